"""Handlers of the contacts service's merge events (C-20; ``merges/usecases.py`` says what each does)."""
from nameko.events import event_handler

from carnet_opportunities.merges import usecases

SOURCE = "contacts"


class MergesEntrypoints:
    """Mixed into OpportunitiesService (which provides ``inbox`` and ``outbox``)."""

    def _apply(self, envelope, function, record_type):
        self.inbox.handle(envelope, lambda session, data: function(
            session, outbox=self.outbox, record_type=record_type, data=data, occurred_at=envelope.get("occurred_at")))

    @event_handler(SOURCE, "contact_merged", requeue_on_error=True)
    def on_contact_merged(self, envelope):
        self._apply(envelope, usecases.merged, "contact")

    @event_handler(SOURCE, "account_merged", requeue_on_error=True)
    def on_account_merged(self, envelope):
        self._apply(envelope, usecases.merged, "account")

    @event_handler(SOURCE, "contact_merge_undone", requeue_on_error=True)
    def on_contact_merge_undone(self, envelope):
        self._apply(envelope, usecases.undone, "contact")

    @event_handler(SOURCE, "account_merge_undone", requeue_on_error=True)
    def on_account_merge_undone(self, envelope):
        self._apply(envelope, usecases.undone, "account")
