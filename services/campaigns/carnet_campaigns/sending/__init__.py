"""Campaigns and the sender (E-4, E-10): campaigns on lists, recipients (one row per campaign and address), the
background sender over SMTP with DKIM, retries, rate limit, pause, cancel, resume."""
