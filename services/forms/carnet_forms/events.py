"""Events of the forms service (``forms.<name>``), each declared beside the code that writes it (its payload builder
in ``<area>/events.py``), all named here. Every payload has ``org_id``; each is written through the outbox in the
transaction of its change.

- ``submission_accepted`` (intake): a submission accepted, on receipt or released from quarantine (F-3); contacts
  makes or updates the contact (services/contacts/carnet_contacts/form_submissions/).
- ``submission_applied`` (effects): contacts applied a submission; its consent and follow-up task carried on (F-3) to
  campaigns (the consent ledger, E-11) and opportunities (the task).
- ``consent_confirmed`` (effects): the double opt-in link was followed (F-4); campaigns records express consent.
"""
from carnet_forms.effects.events import CONSENT_CONFIRMED, SUBMISSION_APPLIED  # noqa: F401
from carnet_forms.intake.events import SUBMISSION_ACCEPTED  # noqa: F401
