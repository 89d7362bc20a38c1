"""Event handlers of the read models (readmodels/usecases.py says what each keeps): every one with
``requeue_on_error=True`` and through the Inbox, so an event is applied once and a failing one is retried, then
parked (docs/stack-facts.md). The method names are part of the queue names (``evt-opportunities-task_created--contacts.
on_task_created``), declared by the bootstrap from these entrypoints before any producer runs: keep them."""
from nameko.events import event_handler

from carnet_contacts.readmodels import usecases

IDENTITY = "identity"
OPPORTUNITIES = "opportunities"


class ReadModelHandlers:
    """Mixed into ContactsService (which provides ``inbox``)."""

    # Users (identity) -------------------------------------------------------------------------------------
    @event_handler(IDENTITY, "user_created", requeue_on_error=True)
    def on_user_created(self, envelope):
        self.inbox.handle(envelope, usecases.record_user)

    @event_handler(IDENTITY, "user_updated", requeue_on_error=True)
    def on_user_updated(self, envelope):
        self.inbox.handle(envelope, usecases.record_user)

    # Opportunity summaries (opportunities) -----------------------------------------------------------------
    @event_handler(OPPORTUNITIES, "opportunity_created", requeue_on_error=True)
    def on_opportunity_created(self, envelope):
        self.inbox.handle(envelope, usecases.opportunity_changed)

    @event_handler(OPPORTUNITIES, "opportunity_updated", requeue_on_error=True)
    def on_opportunity_updated(self, envelope):
        self.inbox.handle(envelope, usecases.opportunity_changed)

    @event_handler(OPPORTUNITIES, "opportunity_deleted", requeue_on_error=True)
    def on_opportunity_deleted(self, envelope):
        self.inbox.handle(envelope, usecases.opportunity_deleted)

    # Task summaries (opportunities) ------------------------------------------------------------------------
    @event_handler(OPPORTUNITIES, "task_created", requeue_on_error=True)
    def on_task_created(self, envelope):
        self.inbox.handle(envelope, usecases.task_created)

    @event_handler(OPPORTUNITIES, "task_updated", requeue_on_error=True)
    def on_task_updated(self, envelope):
        self.inbox.handle(envelope, usecases.task_changed)

    @event_handler(OPPORTUNITIES, "task_deleted", requeue_on_error=True)
    def on_task_deleted(self, envelope):
        self.inbox.handle(envelope, usecases.task_deleted)
