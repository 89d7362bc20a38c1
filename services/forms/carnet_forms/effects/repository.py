"""The effects area's SQL (the only code of the area that builds SQL): the submission with the definition of its
version, the confirmations and the claims of their sending job."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_forms.builder.tables import form_versions
from carnet_forms.effects.tables import confirmations
from carnet_forms.intake.tables import submissions


def submission_for_update(session, submission_id):
    """The submission (locked) with its version's ``definition``, or None."""
    return session.execute(
        sa.select(submissions, form_versions.c.definition)
        .join(form_versions, sa.and_(form_versions.c.form_id == submissions.c.form_id,
                                     form_versions.c.number == submissions.c.version))
        .where(submissions.c.id == submission_id).with_for_update(of=submissions)).mappings().first()


def add_confirmation(session, values):
    """The confirmation of a submission, once (a second is ignored)."""
    session.execute(insert(confirmations).values(**values).on_conflict_do_nothing(
        index_elements=[confirmations.c.submission_id]))


def confirmation_for_update(session, submission_id):
    return session.execute(sa.select(confirmations).where(confirmations.c.submission_id == submission_id)
                           .with_for_update()).mappings().first()


def set_confirmation(session, submission_id, **values):
    session.execute(confirmations.update().where(confirmations.c.submission_id == submission_id).values(**values))


def claim_due(session, *, now):
    """The next due ``pending`` confirmation (``FOR UPDATE SKIP LOCKED``: replicas never share one), now ``sending``
    with one more attempt, with its version's definition (the form's title); None when none is due."""
    due = (sa.select(confirmations.c.submission_id)
           .where(confirmations.c.status == "pending", confirmations.c.next_attempt_at <= now)
           .order_by(confirmations.c.next_attempt_at).limit(1).with_for_update(skip_locked=True).scalar_subquery())
    claimed = session.execute(
        confirmations.update().where(confirmations.c.submission_id == due)
        .values(status="sending", attempts=confirmations.c.attempts + 1, claimed_at=now)
        .returning(*confirmations.c)).mappings().first()
    if claimed is None:
        return None
    definition = session.execute(sa.select(form_versions.c.definition).where(
        form_versions.c.form_id == claimed["form_id"], form_versions.c.number == claimed["version"])).scalar()
    return {**claimed, "definition": definition or {}}


def mark_stalled(session, *, claimed_before):
    """Confirmations a crashed worker left ``sending``: the message may have left, so ``unknown`` (never resent)."""
    return session.execute(confirmations.update().where(confirmations.c.status == "sending",
                                                        confirmations.c.claimed_at < claimed_before)
                           .values(status="unknown", last_error="stalled")).rowcount
