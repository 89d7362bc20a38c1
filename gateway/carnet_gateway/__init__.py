"""Carnet gateway: the only public HTTP entry (docs/rules/http-api.md)."""
