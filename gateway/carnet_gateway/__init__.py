"""Carnet gateway: the only public HTTP entry (SPEC §1, §10)."""
