"""Use cases of automations (AU-1): copy (add the membership of) the contacts of a source list that match C-12
criteria into a target list, on demand as a background job (N-4) and, when flagged, on every change of a contact.
Each function runs inside the caller's transaction, except the job's work, which commits per batch; SQL is built by
``automations/repository.py`` and the records and lifecycle areas' repositories only.

Who may define one. An automation belongs to its creator, as a saved filter does (C-12): only they list, read,
change, delete or run it; anyone else, in their organization or another, gets 404. The gateway requires the
``automations`` module's read (reads) or write permission (everything else, S-3) and the ``contacts`` read and
write permissions for what changes or runs one (a run writes memberships, as a bulk copy does). Both lists must be
ones the creator may access (L-1, L-3): any other id (another user's private list, an ungranted list, another
organization's, none) is a 422 ``unknown_list`` naming the field, as everywhere (``lists.usecases.Scope.check``).
The criteria are compiled when saved, against the fields the creator may read (the gateway's ``unreadable`` keys):
a criterion on a field they may not read is a 403, as in a search.

Whose visibility a run has: its creator's, as their authority stands when it runs, never more. When saved, the
automation keeps the authority the gateway verified (``authority``: the creator's actor and unreadable keys). Before
every run, on demand or on a change, identity is asked for the creator's principal of now (on a change, an answer of
at most a few seconds ago: ``entrypoints.PrincipalCache``) (``authority_lost``, the same grant-by-grant comparison
as queued exports, ``carnet_contracts.authority``): a creator no longer an active user of the organization, or who
lost administration, a widening flag (S-4), a user below them (S-5), a needed module permission, or a readable field
the criteria could use, gets the run refused with a reason (``automation_owner_inactive``,
``automation_authority_narrowed``) instead of run: saving the automation again captures their authority of now.
Their lists are read when it runs (``Scope``): a source or target list they no longer access refuses the run
(``automation_list_unavailable``).

What a run copies: the contacts the creator's contacts page would show for the criteria (the records area's
``record_predicates``: visibility in their selected lists L-2, S-4, S-5; inactive contacts left out unless the
criteria ask about the status, C-24) that are members of the source list (``repository.in_source``). The copy is
the lifecycle area's bulk copy by ids (``bulk_action`` ``copy_to_list``): it checks the target list and each
contact's visibility again, writes the history (C-17) and one ``membership_changed`` event per contact added, as a
bulk copy from the contacts page does; a contact already in the target list is left as it is, so running twice adds
nothing. An automation therefore never copies a contact its creator cannot see.

On demand (``start_run``): a job of kind ``automation_run`` queued within the jobs' caps (``carnet_common.jobs``),
its progress the share of matching contacts done; its work (``run_job``) copies them in batches of ``BATCH``, each
committed, and records ``{matched, added}`` in the automation's ``last_run``. On a change (``contact_changed``): the
service handles its own contact events (created, updated, membership changed, moved, restored) through its inbox,
once per event (N-3); each automation flagged ``on_change`` whose source list holds the contact counts the change
(``changes_handled``: the proof that the event was handled) and, if the contact matches, copies it; ``last_run``
records a copy that added the contact or a run refused, not a contact found in the target list already. The copy
publishes ``membership_changed``, handled again: the contact is then already in the target list, so chains of
automations end (a cycle of two adds nothing the second time).
"""
import json
import logging
import uuid
from datetime import datetime, timezone

from carnet_common import jobs as kit
from carnet_common.errors import CarnetError, InvalidInput, NotFound, Unauthorized
from carnet_contacts.automations import repository
from carnet_contacts.exports.repository import STORE
from carnet_contacts.lifecycle import usecases as lifecycle
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.records import repository as record_repository
from carnet_contacts.records import usecases as records
from carnet_contacts.records.repository import criteria
from carnet_contracts import authority

log = logging.getLogger(__name__)

OWNER = "contacts"
KIND = "automation_run"
BATCH = 500
# What a run needs of its creator's role (S-3): define and run automations, read and write contacts.
NEEDS = (("automations", "write"), ("contacts", "read"), ("contacts", "write"))
OWNER_GONE = "automation_owner_inactive"
NARROWED = "automation_authority_narrowed"
LIST_UNAVAILABLE = "automation_list_unavailable"
CRITERIA_REFUSED = "automation_criteria_refused"
FAILED = "automation_run_failed"
# The codes a run's job fails or is refused with (``carnet_common.jobs``; declared by ``entrypoints.job_codes``).
JOB_CODES = {"failure": FAILED, "timed_out": "automation_timed_out", "owner_gone": OWNER_GONE, "narrowed": NARROWED,
             "interrupted": "automation_interrupted", "per_user": "automation_jobs_per_user",
             "per_org": "automation_jobs_per_org"}
# A failed job's code as its run's error: its own codes as they are; those of jobs failed before runs had codes of
# their own (named after exports) as a run's.
JOB_ERRORS = {"export_owner_inactive": OWNER_GONE, "export_authority_narrowed": NARROWED,
              **{code: code for code in JOB_CODES.values()}}


class RunRefused(Exception):
    """A run that may not happen now, with the code its ``last_run`` shows."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _at():
    return datetime.now(timezone.utc).isoformat()


# Reads ---------------------------------------------------------------------------------------------------

def _run_read(last_run, job):
    """``last_run`` as stored, its status and error those of its job while it is the job's to tell (a manual run
    refused or failed before its work ran is known from the job only)."""
    if not last_run:
        return None
    run = {"trigger": last_run.get("trigger"), "status": last_run.get("status"), "job_id": last_run.get("job_id"),
           "contact_id": last_run.get("contact_id"), "matched": last_run.get("matched"),
           "added": last_run.get("added"), "error": last_run.get("error"), "at": last_run.get("at")}
    if run["status"] in ("queued", "running") and run["job_id"]:
        if job is None:     # its job failed before its work ran and expired since (``result_ttl``)
            run.update(status="failed", error=FAILED)
        elif job["status"] in ("running", "failed"):
            run["status"] = job["status"]
            if job["status"] == "failed":
                run["error"] = JOB_ERRORS.get(job["error"], FAILED)
    return run


def automation_read(row, jobs=None):
    last_run = row["last_run"]
    job = (jobs or {}).get((last_run or {}).get("job_id"))
    return {"id": row["id"], "name": row["name"], "source_list_id": row["source_list_id"],
            "target_list_id": row["target_list_id"], "criteria": row["criteria"], "on_change": row["on_change"],
            "created_by": row["created_by"], "last_run": _run_read(last_run, job),
            "changes_handled": row["changes_handled"], "version": row["version"],
            "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"])}


def _reads(session, rows):
    jobs = repository.jobs_by_id(session, {(row["last_run"] or {}).get("job_id") for row in rows} - {None})
    return [automation_read(row, jobs) for row in rows]


def list_automations(session, *, actor):
    return _reads(session, repository.owned(session, actor))


def _owned(session, actor, automation_id, *, for_update=False):
    row = repository.get_owned(session, actor=actor, automation_id=automation_id, for_update=for_update)
    if row is None:
        raise NotFound()
    return row


def get_automation(session, *, actor, automation_id):
    return _reads(session, [_owned(session, actor, automation_id)])[0]


# Writes --------------------------------------------------------------------------------------------------

def _checked(session, actor, data, unreadable):
    """The lists are the caller's to access (422 ``unknown_list`` naming the field otherwise) and the criteria
    compile against the fields they may read (C-12: 422 naming the bad path, 403 on a field they may not read)."""
    if data["source_list_id"] == data["target_list_id"]:
        raise InvalidInput(errors={"target_list_id": ["automation_same_list"]})
    scope = Scope(session, actor)
    scope.check(session, [data["source_list_id"]], field="source_list_id")
    scope.check(session, [data["target_list_id"]], field="target_list_id")
    ctx = records.criteria_context(session, actor=actor, record_type="contact", scope=scope, unreadable=unreadable)
    criteria.compile_criteria(data["criteria"], ctx)


def _authority(actor, unreadable):
    """What the gateway verified of the creator when they saved it: checked again before every run."""
    return {"actor": {key: value for key, value in actor.items() if key != "request_id"},
            "unreadable": sorted(set(unreadable))}


def create_automation(session, *, actor, data, unreadable=()):
    _checked(session, actor, data, unreadable)
    automation_id = str(uuid.uuid4())
    repository.insert(session, {
        "id": automation_id, "org_id": actor["org_id"], "created_by": actor["user_id"], "name": data["name"],
        "source_list_id": data["source_list_id"], "target_list_id": data["target_list_id"],
        "criteria": data["criteria"], "on_change": data["on_change"], "authority": _authority(actor, unreadable),
        "version": 1})
    return get_automation(session, actor=actor, automation_id=automation_id)


def update_automation(session, *, actor, automation_id, data, unreadable=()):
    """Saved again whole: the lists and criteria checked against the caller of now, whose authority it keeps."""
    row = _owned(session, actor, automation_id, for_update=True)
    merged = {key: data.get(key, row[key]) for key in ("name", "source_list_id", "target_list_id", "criteria",
                                                       "on_change")}
    _checked(session, actor, merged, unreadable)
    repository.update(session, automation_id, {**merged, "authority": _authority(actor, unreadable),
                                               "version": row["version"] + 1})
    return get_automation(session, actor=actor, automation_id=automation_id)


def delete_automation(session, *, actor, automation_id):
    _owned(session, actor, automation_id, for_update=True)
    repository.delete(session, automation_id)


# Runs ----------------------------------------------------------------------------------------------------

def start_run(session, *, actor, automation_id, settings):
    """``{job_id}``: a run of the caller's automation queued as a job (429 past the jobs' caps)."""
    row = _owned(session, actor, automation_id, for_update=True)
    job_id = kit.new_job_id(OWNER)
    params = {"automation_id": automation_id, "job_id": job_id, **row["authority"]}
    kit.queue_job(session, STORE, settings=settings, job_id=job_id, actor=actor, kind=KIND, params=params)
    repository.set_last_run(session, automation_id, {"trigger": "manual", "status": "queued", "job_id": job_id,
                                                     "at": _at()})
    return {"job_id": job_id}


def authority_lost(*, principal, params):
    """What of the authority a run relies on (``params``: the creator's actor and unreadable keys as saved) the
    creator's principal of now no longer grants ([] when it may run)."""
    return (authority.visibility_lost(principal, params["actor"])
            + authority.actions_lost(principal, NEEDS)
            + authority.unreadable_lost(principal, params["unreadable"]))


def _selection(session, *, actor, row, unreadable, contact_id=None):
    """The predicates of the contacts a run copies (see the module docstring); ``RunRefused`` when a list is no
    longer the creator's to access or the criteria no longer compile (a custom field deleted since)."""
    scope = Scope(session, actor)
    if not {row["source_list_id"], row["target_list_id"]} <= scope.accessible:
        raise RunRefused(LIST_UNAVAILABLE)
    try:
        predicates = records.record_predicates(session, actor=actor, record_type="contact",
                                               query={"criteria": json.dumps(row["criteria"])}, scope=scope,
                                               unreadable=unreadable)
    except CarnetError as exc:
        log.info("automation %s: its criteria no longer compile (%s)", row["id"], exc)
        raise RunRefused(CRITERIA_REFUSED) from None
    predicates.append(repository.in_source(row["source_list_id"]))
    if contact_id is not None:
        predicates.append(record_repository.with_ids("contact", [contact_id]))
    return predicates


def _copy(session, *, outbox, actor, row, ids, unreadable):
    """The lifecycle area's bulk copy of ``ids`` into the target list: how many were added."""
    if not ids:
        return 0
    result = lifecycle.bulk_action(session, outbox=outbox, actor=actor, unreadable=unreadable,
                                   data={"action": "copy_to_list", "ids": ids, "list_id": row["target_list_id"]})
    return result["changed"]


def run_job(session, params, path, report):
    """The work of an ``automation_run`` job (``carnet_common.jobs.run_next_job``, in its thread, after its owner's
    authority was checked): the matching contacts copied in batches, each committed with its progress; the outcome
    in ``last_run``. No file: the job's result is the automation's ``last_run`` ({matched, added})."""
    actor, unreadable = params["actor"], params["unreadable"]
    row = repository.get_owned(session, actor=actor, automation_id=params["automation_id"])
    if row is None:      # deleted since it was queued: nothing to run
        return None
    outbox = repository.swept_outbox()
    run = {"trigger": "manual", "job_id": params["job_id"]}
    try:
        predicates = _selection(session, actor=actor, row=row, unreadable=unreadable)
        total, matched, added, after = repository.count_matching(session, predicates), 0, 0, None
        while ids := repository.matching_ids(session, predicates, after=after, limit=BATCH):
            added += _copy(session, outbox=outbox, actor=actor, row=row, ids=ids, unreadable=unreadable)
            outbox.flush(session)
            matched, after = matched + len(ids), ids[-1]
            session.commit()
            report(matched, max(total, matched))
    except RunRefused as refused:
        session.rollback()
        outbox.pending = []
        repository.set_last_run(session, row["id"], {**run, "status": "failed", "error": refused.code, "at": _at()})
        session.commit()
        return None
    except Exception:
        session.rollback()
        repository.set_last_run(session, row["id"], {**run, "status": "failed", "error": FAILED, "at": _at()})
        session.commit()
        raise
    repository.set_last_run(session, row["id"], {**run, "status": "done", "matched": matched, "added": added,
                                                 "at": _at()})
    session.commit()
    return None


def concerns_any(session, data):
    """Whether a contacts event's payload may concern an automation: its organization has one with ``on_change``.
    Every contact event of every organization reaches the handlers (an import of 100,000 rows publishes as many):
    those of an organization without such an automation are dropped before the inbox, which has nothing to keep
    idempotent for them, so they cost one indexed read."""
    return isinstance(data, dict) and isinstance(data.get("org_id"), str) and repository.any_on_change(
        session, data["org_id"])


def contact_changed(session, *, outbox, data, principal_of):
    """A contact changed (``data``: a contacts event's payload): each automation with ``on_change`` whose source
    list holds it counts the change and, when the contact matches, copies it (see the module docstring).
    ``principal_of(user_id)`` is identity's principal of the creator of now (``Unauthorized`` for a user deleted or
    deactivated); an identity that does not answer raises, and the event is handled again later (the inbox)."""
    contact_id = _contact_of(data)
    if contact_id is None:
        return
    rows = repository.on_change_for(session, org_id=data.get("org_id"), contact_id=contact_id)
    repository.count_handled(session, [row["id"] for row in rows])
    principals = {}
    for row in rows:
        run = {"trigger": "change", "contact_id": contact_id}
        try:
            stored = row["authority"]
            if row["created_by"] not in principals:
                principals[row["created_by"]] = _principal(principal_of, row)
            principal = principals[row["created_by"]]
            if principal is None:
                raise RunRefused(OWNER_GONE)
            if authority_lost(principal=principal, params=stored):
                raise RunRefused(NARROWED)
            with session.begin_nested():
                predicates = _selection(session, actor=stored["actor"], row=row, unreadable=stored["unreadable"],
                                        contact_id=contact_id)
                ids = repository.matching_ids(session, predicates, limit=1)
                if not ids:
                    continue
                added = _copy(session, outbox=outbox, actor=stored["actor"], row=row, ids=ids,
                              unreadable=stored["unreadable"])
            if not added:   # already in the target list (the echo of its own copy, or of an earlier run)
                continue
            repository.set_last_run(session, row["id"], {**run, "status": "done", "matched": 1, "added": added,
                                                         "at": _at()})
        except RunRefused as refused:
            repository.set_last_run(session, row["id"], {**run, "status": "failed", "error": refused.code,
                                                         "at": _at()})


def _principal(principal_of, row):
    """The creator's principal of now, or None when they are no longer an active user of its organization."""
    try:
        principal = principal_of(row["created_by"])
    except Unauthorized:
        return None
    return principal if (principal.get("organization") or {}).get("id") == row["org_id"] else None


def _contact_of(data):
    """The contact a contacts event is about, or None (an account's membership change)."""
    if isinstance(data.get("record"), dict):
        return data["record"].get("id")
    if "record_type" in data:
        return data.get("record_id") if data["record_type"] == "contact" else None
    return data.get("contact_id")
