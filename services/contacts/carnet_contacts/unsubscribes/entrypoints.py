"""Event handler of unsubscribes (E-7): ``campaigns.contact_unsubscribed``, once per event through the inbox. The
method name is part of the queue name the bootstrap declares: keep it."""
from nameko.events import event_handler

from carnet_contacts.unsubscribes import usecases

CAMPAIGNS = "campaigns"
CONTACT_UNSUBSCRIBED = "contact_unsubscribed"


class UnsubscribesHandlers:
    """Mixed into ContactsService (``inbox``, ``outbox``)."""

    @event_handler(CAMPAIGNS, CONTACT_UNSUBSCRIBED, requeue_on_error=True)
    def on_contact_unsubscribed(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.contact_unsubscribed(
            session, outbox=self.outbox, data=data))
