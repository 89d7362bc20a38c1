"""Enrichment (C-6): the provider interface, the built-in SSRF-safe reader of the email domain's public home page,
proposals and applying chosen fields.
"""
