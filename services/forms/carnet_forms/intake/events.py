"""Events of the intake area (``forms.<name>``), named in ``carnet_forms/events.py``.

submission_accepted {org_id, submission_id, form_id, version, list_id, rep_user_id, email, values: {standard
                     field: value}, custom: {key: value}, language, at}: a submission was accepted (F-3), when it
                     was received or
                     when a quarantined one was released, in the transaction that stored or released it. ``values``
                     and ``custom`` are the clean values only (``definition.validate_values``, split by
                     ``definition.split_clean``); ``at`` is when the visitor submitted. Consumed by contacts
                     (form_submissions/: the contact made or updated, once per submission).
"""
from carnet_forms import definition as definitions

SUBMISSION_ACCEPTED = "submission_accepted"


def submission_accepted_payload(row, *, definition):
    """The event of a stored submission ``row`` (``intake.tables.submissions``) of a version of ``definition``: its
    target list and the rep of the contacts it creates (a version published before the rep existed has none)."""
    values, custom = definitions.split_clean(row["data"])
    return {"org_id": row["org_id"], "submission_id": row["id"], "form_id": row["form_id"],
            "version": row["version"], "list_id": definition.get("list_id"),
            "rep_user_id": definition.get("rep_user_id"), "email": row["data"].get("email"), "values": values,
            "custom": custom, "language": row["language"], "at": row["received_at"].isoformat()}
