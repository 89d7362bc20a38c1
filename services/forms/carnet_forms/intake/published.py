"""The published forms a process has served lately, by public key (F-2, F-5): the submit path's read of the current
version without a round trip to PostgreSQL for every post.

An entry lasts ``TTL_S`` seconds. It is never trusted to store a submission on its own: the insert itself checks in
the same statement that the form is still published at that version (``repository.insert_submission``), so a
publish or an unpublish is seen by the very next post (a stale entry is dropped and the form read again). Only
``submit_form`` uses it; the render, the policy and the signed webhook read the form each time.
"""
import time

TTL_S = 5.0
MAX_ENTRIES = 2048


class PublishedForms:
    """Form key → ``builder.repository.current_version_by_key``'s row of a published form, per process."""

    def __init__(self, ttl_s=TTL_S, max_entries=MAX_ENTRIES, clock=time.monotonic):
        self.ttl_s, self.max_entries, self.clock = ttl_s, max_entries, clock
        self._entries = {}

    def get(self, form_key):
        entry = self._entries.get(form_key)
        if entry is None:
            return None
        expires, form = entry
        if self.clock() >= expires:
            self._entries.pop(form_key, None)
            return None
        return form

    def put(self, form_key, form):
        if len(self._entries) >= self.max_entries:
            self._entries.clear()   # many keys at once (a scan of keys): start again rather than keep a long list
        self._entries[form_key] = (self.clock() + self.ttl_s, form)

    def drop(self, form_key):
        self._entries.pop(form_key, None)
