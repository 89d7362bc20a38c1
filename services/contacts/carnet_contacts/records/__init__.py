"""Contacts and accounts (C-2..C-4, C-7..C-9, C-11, C-12, C-15, C-17): their reads, writes, search and history."""
