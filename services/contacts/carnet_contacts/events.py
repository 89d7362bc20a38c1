"""Events of the contacts service (``contacts.<name>``) and their payloads: ids plus what consumers read.

Every payload has ``org_id`` and ``actor_id``. Records: the full read (without normalised columns) and
either ``list_ids`` (created) or ``changed`` (updated: the field names).
"""
LIST_CREATED = "list_created"
LIST_UPDATED = "list_updated"
LIST_DELETED = "list_deleted"
LIST_GRANTS_CHANGED = "list_grants_changed"
CONTACT_CREATED = "contact_created"
CONTACT_UPDATED = "contact_updated"
CONTACT_DELETED = "contact_deleted"
ACCOUNT_CREATED = "account_created"
ACCOUNT_UPDATED = "account_updated"
ACCOUNT_DELETED = "account_deleted"
MEMBERSHIP_CHANGED = "membership_changed"
# form_submission_applied {org_id, actor_id (null), submission_id, form_id, contact_id, created, list_missing,
#                  rejected}: a form submission (forms.submission_accepted, F-3) became ``contact_id`` (``created``:
#                  a new contact); ``list_missing``: the form's list is gone (or not the organization's), the contact
#                  joined none; ``rejected``: the submitted fields its contract or custom field definitions refused
#                  (``custom.<key>``), left out. Once per submission; a redelivery answers the same contact again
#                  (form_submissions/usecases.py).
FORM_SUBMISSION_APPLIED = "form_submission_applied"


def list_payload(row, actor):
    return {"org_id": row["org_id"], "list_id": row["id"], "name": row["name"],
            "access_all_users": row["access_all_users"], "private": row["private"],
            "created_by": row["created_by"], "actor_id": actor["user_id"]}


def record_payload(read, actor, **extra):
    return {"org_id": actor["org_id"], "actor_id": actor["user_id"], "record": read, **extra}


# --- Lifecycle (C-5, C-7, C-10) -------------------------------------------------------------------------
# contact_deleted  {org_id, actor_id, contact_id, account_id, deleted_at, dependents, dependent_ids}: to the trash
#                  (C-10); restorable for 30 days, then purged (contact_purged). ``dependents``: the caller's choice
#                  for what hangs on it (opportunities, tasks): "delete" (with it, back with it) or "reattach" (to
#                  account_id). ``dependent_ids`` {opportunities, tasks}: with "delete", the ids the caller may
#                  delete (the only ones deleted; the others are reattached); empty lists with "reattach".
# account_deleted  {org_id, actor_id, account_id, contact_ids, deleted_at, dependents, dependent_ids}: contact_ids
#                  went with it (empty when the account was deleted because its last contact was). ``dependents``:
#                  "delete" (with it, back with it) or "reattach": nothing to reattach to, they stay hidden with it;
#                  ``dependent_ids`` as on contact_deleted (with "delete", the others stay hidden with it).
# contact_restored {org_id, actor_id, contact_id, account_id}: back from the trash, whole.
# account_restored {org_id, actor_id, account_id, contact_ids}: with the contacts deleted with it.
# contact_moved    {org_id, actor_id, contact_id, from_account_id, to_account_id}: "changed jobs" (C-7);
#                  the contact's tasks and opportunities stay with from_account_id.
# contact_purged   {org_id, actor_id (null: the purge timer), contact_id, account_id}: out of the trash for good
#                  (C-10); what was deleted with it goes too.
# account_purged   {org_id, actor_id (null), account_id}: likewise (its contacts have their own contact_purged).
CONTACT_RESTORED = "contact_restored"
ACCOUNT_RESTORED = "account_restored"
CONTACT_MOVED = "contact_moved"
CONTACT_PURGED = "contact_purged"
ACCOUNT_PURGED = "account_purged"


def contact_deleted_payload(row, actor, deleted_at, *, dependents, dependent_ids):
    return {"org_id": actor["org_id"], "actor_id": actor["user_id"], "contact_id": row["id"],
            "account_id": row["account_id"], "deleted_at": deleted_at.isoformat(), "dependents": dependents,
            "dependent_ids": dependent_ids}


def account_deleted_payload(account_id, contact_ids, actor, deleted_at, *, dependents, dependent_ids):
    return {"org_id": actor["org_id"], "actor_id": actor["user_id"], "account_id": account_id,
            "contact_ids": list(contact_ids), "deleted_at": deleted_at.isoformat(), "dependents": dependents,
            "dependent_ids": dependent_ids}


def contact_purged_payload(row):
    return {"org_id": row["org_id"], "actor_id": None, "contact_id": row["id"], "account_id": row["account_id"]}


def account_purged_payload(row):
    return {"org_id": row["org_id"], "actor_id": None, "account_id": row["id"]}
