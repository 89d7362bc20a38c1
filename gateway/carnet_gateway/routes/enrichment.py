"""Routes of enrichment (issue 12): declared on ``api`` when imported by app.py."""
