"""Routes of duplicates (issue 12): declared on ``api`` when imported by app.py."""
