"""Sending domains (E-5, E-6): the DNS records to publish, their check through a configurable resolver, look-alike
refusal, approval, DKIM keys."""
