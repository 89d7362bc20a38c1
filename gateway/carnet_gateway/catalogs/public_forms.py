"""Messages of the public side of forms (what a visitor sees), in French and English."""
MESSAGES = {}
