"""Merges of contacts and accounts (C-20) as the opportunities service applies them: tasks and opportunities follow
the record that stayed, and come back on undo."""
