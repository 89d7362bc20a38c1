"""Events of the effects area (``forms.<name>``), named in ``carnet_forms/events.py``.

submission_applied {org_id, submission_id, form_id, contact_id, email, language, consent, task}: contacts applied a
                   submission (``contacts.form_submission_applied``, F-3). ``consent`` {kind: express|implied, source:
                   "form", form_id, version, page_url, text (as shown, in the language shown), at, ip}
                   (``rules.consent_of``); ``task`` {rep_user_id, title, due_on} or None (``rules.task_of``).
                   Consumed by campaigns (the consent in the ledger, E-11) and opportunities (the task), each once
                   per submission.
consent_confirmed  {org_id, submission_id, contact_id, email, at, proof: {form_id, version, ip}}: the double opt-in
                   link was followed (F-4); campaigns records express consent, once per submission.
"""
SUBMISSION_APPLIED = "submission_applied"
CONSENT_CONFIRMED = "consent_confirmed"


def submission_applied_payload(row, *, contact_id, consent, task):
    """``row``: the submission (``intake.tables.submissions``)."""
    return {"org_id": row["org_id"], "submission_id": row["id"], "form_id": row["form_id"], "contact_id": contact_id,
            "email": (row["data"] or {}).get("email"), "language": row["language"], "consent": consent,
            "task": task}


def consent_confirmed_payload(row, *, at, ip):
    """``row``: the confirmation (``effects.tables.confirmations``); ``ip``: where the link was followed from."""
    return {"org_id": row["org_id"], "submission_id": row["submission_id"], "contact_id": row["contact_id"],
            "email": row["email"], "at": at.isoformat(),
            "proof": {"form_id": row["form_id"], "version": row["version"], "ip": ip}}
