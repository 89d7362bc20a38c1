"""SQL of the form submissions area: the lock that serialises one address's submissions, the contact an address
names, the submission already applied (the rest is the records and lists areas' repositories)."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_contacts.form_submissions.tables import form_submission_contacts
from carnet_contacts.models import contacts


def lock_address(session, *, org_id, email):
    """Until the transaction ends, the only one applying a submission of this address in this organization: two
    submissions of one new address (or one event delivered twice at once) never make two contacts."""
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(
        sa.func.hashtextextended(sa.literal(f"form_submission:{org_id}:") + sa.func.lower(email), 0))))


def applied(session, submission_id):
    """The row of a submission applied before (``contact_id``, ``created``), or None."""
    return session.execute(sa.select(form_submission_contacts)
                           .where(form_submission_contacts.c.submission_id == submission_id)).mappings().first()


def record_applied(session, *, submission_id, org_id, contact_id, created):
    session.execute(insert(form_submission_contacts).values(
        submission_id=submission_id, org_id=org_id, contact_id=contact_id, created=created))


def contact_by_email(session, *, org_id, email, email_norm):
    """The organization's oldest contact not in the trash with this address (case-insensitive), locked; or None.
    ``email_norm`` (the folded address) reaches it through the ``(org_id, email_norm)`` index."""
    return session.execute(
        sa.select(contacts)
        .where(contacts.c.org_id == org_id, contacts.c.email_norm == email_norm,
               sa.func.lower(contacts.c.email) == email.lower(), contacts.c.deleted_at.is_(None))
        .order_by(contacts.c.created_at, contacts.c.id).limit(1).with_for_update(of=contacts)).mappings().first()
