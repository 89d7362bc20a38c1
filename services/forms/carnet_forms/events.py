"""Events of the forms service (``forms.<name>``), each declared beside the code that writes it (its payload builder
in ``<area>/events.py``), all named here. Every payload has ``org_id``; each is written through the outbox in the
transaction of its change.

- ``submission_accepted`` (intake): a submission accepted, on receipt or released from quarantine (F-3); contacts
  makes or updates the contact (services/contacts/carnet_contacts/form_submissions/).
"""
from carnet_forms.intake.events import SUBMISSION_ACCEPTED  # noqa: F401
