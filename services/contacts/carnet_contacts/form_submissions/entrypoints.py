"""Event handler of form submissions (F-3): ``forms.submission_accepted``, once per event through the inbox (and once
per submission by ``form_submission_contacts``). The method name is part of the queue name the bootstrap declares:
keep it."""
from nameko.events import event_handler

from carnet_contacts.form_submissions import usecases

FORMS = "forms"
SUBMISSION_ACCEPTED = "submission_accepted"


class FormSubmissionsHandlers:
    """Mixed into ContactsService (``inbox``, ``outbox``)."""

    @event_handler(FORMS, SUBMISSION_ACCEPTED, requeue_on_error=True)
    def on_form_submission_accepted(self, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.apply_submission(
            session, outbox=self.outbox, data=data))
