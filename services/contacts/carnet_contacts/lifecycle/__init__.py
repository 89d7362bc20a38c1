"""What happens to records over their life beside their edits: relations between contacts (C-5), moves between
accounts (C-7), bulk actions (C-9), and deletes to the trash, restore and purge (C-10)."""
