"""Automations (AU-1): copy the contacts of a source list matching criteria (C-12) into a target list, on demand as a
job and on every contact change.
"""
