"""Event handlers, RPC and timer of the effects area (F-3, F-4): what a submission became, double opt-in.

- ``contacts.form_submission_applied`` (once per event through the inbox; the method name is part of the queue name
  the bootstrap declares: keep it) → the submission applied and ``forms.submission_applied``;
- ``confirm_subscription(token, meta=None)``: public (no actor: the token is the proof), called by the gateway's
  ``GET /f/confirm/<token>``; ``meta`` may carry the visitor's ``ip`` (the proof of the express consent);
- the job that e-mails the confirmations (``usecases.send_due_confirmations``: at most once each).
"""
from nameko.events import event_handler
from nameko.timer import timer

from carnet_common.entrypoints import rpc_method
from carnet_forms.effects import usecases

CONTACTS = "contacts"


class EffectsEntrypoints:
    """Mixed into FormsService (which provides ``db``, ``inbox``, ``outbox`` and ``mailer``)."""

    @event_handler(CONTACTS, "form_submission_applied", requeue_on_error=True)
    def on_form_submission_applied(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.submission_applied(
            session, outbox=self.outbox, data=data))

    @rpc_method
    def confirm_subscription(self, token, meta=None):
        with self.db.begin():
            return usecases.confirm_subscription(self.db, outbox=self.outbox, token=token, meta=meta)

    @timer(interval=0.5)
    def send_confirmations(self):
        usecases.send_due_confirmations(self.db, mailer=self.mailer)
