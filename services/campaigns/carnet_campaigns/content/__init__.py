"""What is sent (E-2, E-3, E-8): built-in and own templates, drafts, merge fields, sanitised HTML, one-to-one e-mails
from a record."""
