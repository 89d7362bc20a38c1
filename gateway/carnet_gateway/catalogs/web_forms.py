"""Messages of the forms pages, in French and English."""
MESSAGES = {}
