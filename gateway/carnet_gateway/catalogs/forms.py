"""Messages of the forms operations, in French and English."""
MESSAGES = {}
