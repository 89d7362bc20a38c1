"""Use cases of tasks (T-1, T-2, C-22), their invitations (T-3) and the job that emails them: keyword-only
functions over a session, collaborators (outbox, mailer, clock) passed in.

Anything the caller does not see (``repository/visibility.py``) is ``NotFound``, never ``Forbidden``. Deleting a
task withdraws its calendar event where an invitation may have arrived (``queue_cancellations``).

The sending job emails each invitation at most once. Each step is its own committed transaction:
1. claim: a due ``pending`` row is locked (``FOR UPDATE SKIP LOCKED``, so replicas never share one),
   moved to ``sending`` with ``attempts + 1`` and committed *before* anything is sent;
2. send over SMTP (``mailer``), outside any transaction;
3. record the outcome: ``sent``; back to ``pending`` with exponential backoff on a temporary failure
   (nothing was accepted: connection refused, 4xx) until ``max_attempts``, then ``failed``; ``failed`` on
   a permanent one (5xx); ``unknown`` when the connection broke during DATA.
Why at most once: a crash between 2 and 3 leaves the row in ``sending``; it is never claimed again (after
``stalled_after`` it is marked ``unknown`` for the user to see and resend by hand). A second invitation is a
real annoyance to a contact, a missing one is visible in the task's invitation list. Retrying only what the
relay provably refused keeps that promise while surviving a relay that is down or greylisting. Every change of
a task (due time, title…) moves its version by one, so a re-invite after it carries SEQUENCE + 1 and updates
the same calendar event.

Cancellations: when a task is deleted (directly, or with its contact or account, C-10), every address that
may hold its event (a REQUEST sent, or of unknown outcome, and not cancelled since) gets a CANCEL row, sent by
the same job — once, retried on temporary failures — with the same UID and a SEQUENCE above the last
REQUEST's. Invitations still waiting when the task is deleted are never sent (``failed``, ``task_deleted``).
"""
import logging
import math
import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from carnet_common.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from carnet_opportunities import events
from carnet_opportunities.opportunities import repository as opportunity_repository
from carnet_opportunities.readmodel import links
from carnet_opportunities.tasks import invitations, repository
from carnet_opportunities.tasks.contracts import STATUSES
from carnet_opportunities.tasks.mailer import PermanentFailure, TemporaryFailure, UncertainFailure
from carnet_opportunities.tasks.repository import invitations as invitation_repository
from carnet_opportunities.tasks.repository.visibility import LINKS

log = logging.getLogger(__name__)

FIELDS = ("type", "status", "title", "description", "due_at", "assignee_id", "contact_id", "account_id",
          "opportunity_id")
# A board column counts its tasks up to this many, then says "500+" (``total_capped``): the "done" column of
# a busy user holds ~17,000 tasks at the benchmark's size, and an exact count checks each one's links
# (150 ms), while nobody reads a column's total beyond that (issue 5 board target, T-2).
BOARD_TOTAL_CAP = 500
# Invitations the sending job sends per tick at the most, so that one tick stays short.
SEND_BATCH = 20


def task_read(row, actor):
    zone = ZoneInfo(actor.get("timezone") or "America/Toronto")
    due = row["due_at"]
    return {"id": row["id"], "type": row["type"], "status": row["status"], "title": row["title"],
            "description": row["description"],
            "due_at": due.astimezone(zone).isoformat() if due is not None else None,
            "assignee_id": row["assignee_id"], "created_by": row["created_by"],
            "contact_id": row["contact_id"], "account_id": row["account_id"],
            "opportunity_id": row["opportunity_id"], "version": row["version"],
            "created_at": row["created_at"].astimezone(zone).isoformat(),
            "updated_at": row["updated_at"].astimezone(zone).isoformat()}


def _visible_row(session, actor, task_id, *, for_update=False):
    row = repository.visible_task(session, actor, task_id, for_update=for_update)
    if row is None:
        raise NotFound()
    return row


def _check_links(session, actor, values, *, contacts):
    """Each link visible to the caller (404 otherwise), the contact and the account as the source has them
    (``readmodel/links.py``: a record just created is known, one just deleted is not) — for a task linked to an
    opportunity only, the opportunity's account; a contact of the chosen account (422)."""
    account_id = values.get("account_id")
    if values.get("opportunity_id"):
        opportunity = opportunity_repository.get_visible(session, actor, values["opportunity_id"])
        if opportunity is None:
            raise NotFound()
        if not account_id and not values.get("contact_id"):
            account_id = opportunity["account_id"]
    found = links.linked_records(session, contacts=contacts, actor=actor, contact_id=values.get("contact_id"),
                                 account_id=account_id)
    if any(ref is None for ref in found.values()):
        raise NotFound()
    contact = found.get("contact")
    if contact is not None and values.get("account_id") and contact["account_id"] != values["account_id"]:
        raise InvalidInput(errors={"contact_id": ["task_contact_not_of_account"]})


def create_task(session, *, outbox, contacts, actor, data):
    """``contacts``: the proxy to the contacts service that confirms the contact and account (``_check_links``)."""
    now = invitations.utc_now()
    values = {key: data.get(key) for key in FIELDS}
    values.update(id=str(uuid.uuid4()), org_id=actor["org_id"], status=data.get("status") or "todo",
                  assignee_id=data.get("assignee_id") or actor["user_id"], created_by=actor["user_id"],
                  version=1, created_at=now, updated_at=now)
    _check_links(session, actor, values, contacts=contacts)
    repository.insert_task(session, values)
    outbox.add(session, events.TASK_CREATED, events.task_payload(values, actor["user_id"]))
    return task_read(values, actor)


# A task asked for by a form (F-3): ``forms.submission_applied`` with a ``task`` -----------------------------------
FORM_TASK = uuid.UUID("0b7f8e0e-2a57-4d8e-8d0c-6a0f3f6d51c2")  # the namespace of form tasks' ids
FORM_TASK_HOUR = 17  # a form's task is due at the end of its day's working hours, in the default time zone
FORM_TASK_ZONE = "America/Toronto"


def form_task_id(submission_id):
    """The task of a submission: the same id at every redelivery, so it is made once."""
    return str(uuid.uuid5(FORM_TASK, f"task:{submission_id}"))


def form_task_due(due_on):
    """``due_on`` (YYYY-MM-DD) at ``FORM_TASK_HOUR`` in ``FORM_TASK_ZONE``; None when it is not a date."""
    try:
        day = date.fromisoformat(due_on) if isinstance(due_on, str) else None
    except ValueError:
        return None
    return None if day is None else datetime.combine(day, time(FORM_TASK_HOUR), ZoneInfo(FORM_TASK_ZONE))


def form_submission_task(session, *, outbox, data):
    """The follow-up task a form asks for (``task``: rep_user_id, title, due_on), for that rep, linked to the contact
    the submission became, once per submission; none when the form asks for none or names no rep."""
    task = data.get("task")
    org_id, contact_id, submission_id = data.get("org_id"), data.get("contact_id"), data.get("submission_id")
    if not isinstance(task, dict) or not all(isinstance(v, str) and v for v in (
            org_id, contact_id, submission_id, task.get("rep_user_id"), task.get("title"))):
        return None
    now = invitations.utc_now()
    values = {"id": form_task_id(submission_id), "org_id": org_id, "type": "todo", "status": "todo",
              "title": task["title"][:200], "description": None, "due_at": form_task_due(task.get("due_on")),
              "assignee_id": task["rep_user_id"], "created_by": task["rep_user_id"], "contact_id": contact_id,
              "account_id": None, "opportunity_id": None, "version": 1, "created_at": now, "updated_at": now}
    if not repository.insert_task_once(session, values):
        return None
    outbox.add(session, events.TASK_CREATED, events.task_payload(values, None))
    return values["id"]


def get_task(session, *, actor, task_id):
    return task_read(_visible_row(session, actor, task_id), actor)


def update_task(session, *, outbox, contacts, actor, task_id, data):
    row = _visible_row(session, actor, task_id, for_update=True)
    changes = {key: value for key, value in data.items() if key in FIELDS and row[key] != value}
    for key in ("type", "status", "title", "assignee_id"):
        if key in changes and changes[key] is None:
            raise InvalidInput(errors={key: ["Field may not be null."]})
    if not changes:
        return task_read(row, actor)
    merged = {**row, **changes}
    if any(key in changes for key in LINKS):
        _check_links(session, actor, {key: merged[key] for key in LINKS}, contacts=contacts)
    changes.update(version=row["version"] + 1, updated_at=invitations.utc_now())
    repository.update_task(session, task_id, changes)
    merged.update(changes)
    outbox.add(session, events.TASK_UPDATED, events.task_payload(merged, actor["user_id"]))
    return task_read(merged, actor)


def delete_task(session, *, outbox, actor, task_id):
    """For good (no trash for a task alone); its sent invitations are cancelled (T-3)."""
    row = _visible_row(session, actor, task_id, for_update=True)
    queue_cancellations(session, task=row, sequence=row["version"] + 1, actor_id=actor["user_id"])
    repository.delete_task(session, task_id)
    outbox.add(session, events.TASK_DELETED, events.task_payload(row, actor["user_id"]))


def _board(session, actor, clauses, query, *, by_creation=False):
    """One column per status: its first ``per_page`` tasks and its total, exact up to ``BOARD_TOTAL_CAP`` (T-2)."""
    statuses = [query["status"]] if query.get("status") else list(STATUSES)
    per_page, offset = query["per_page"], (query["page"] - 1) * query["per_page"]
    columns = []
    for status in statuses:
        counted = repository.count_capped(session, clauses, status=status, cap=BOARD_TOTAL_CAP)
        rows = []
        if counted > offset or counted > BOARD_TOTAL_CAP:   # past the cap the column may hold more pages
            rows = repository.column_page(session, clauses, status=status, per_page=per_page, offset=offset,
                                          by_creation=by_creation)
        columns.append({"status": status, "total": min(counted, BOARD_TOTAL_CAP),
                        "total_capped": counted > BOARD_TOTAL_CAP,
                        "items": [task_read(r, actor) for r in rows]})
    return {"view": "board", "columns": columns}


def list_tasks(session, *, actor, query, fields=None):
    """``view=board``: one column per status (``_board``); otherwise a page of tasks, soonest due first. ``fields``:
    the fields the caller may read (None: all); without ``due_at`` the oldest created first (S-3: the order would
    tell the due times)."""
    clauses = repository.filters(actor, query)
    by_creation = fields is not None and "due_at" not in fields
    if query.get("view") == "board":
        return _board(session, actor, clauses, query, by_creation=by_creation)
    per_page, page = query["per_page"], query["page"]
    rows, total = repository.page(session, clauses, page=page, per_page=per_page, by_creation=by_creation)
    return {"items": [task_read(r, actor) for r in rows], "total": total, "page": page, "per_page": per_page}


# Invitations (T-3) ---------------------------------------------------------------------------------------

def invitation_read(row):
    return {"id": row["id"], "task_id": row["task_id"], "method": row["method"], "to": row["recipient"],
            "email": row["email"], "status": row["status"], "attempts": row["attempts"],
            "last_error": row["last_error"], "created_at": row["created_at"].isoformat(),
            "sent_at": row["sent_at"].isoformat() if row["sent_at"] else None}


def request_invitation(session, *, contacts, actor, task_id, data, settings):
    """Store the invitation for the sending job (202); the same ``idempotency_key`` returns the same one. To the
    contact: at its address as the source has it (``readmodel/links.py``), not as the read model last heard.

    One send per address and task version (issue 10 §2): when the address already has a request stored since the
    task last changed, that one is returned with ``duplicate`` and nothing more is sent. Otherwise the quotas over
    the last day (``_within_quotas``) apply. Requests of one organization are counted and stored one at a time."""
    task = _visible_row(session, actor, task_id)
    if task["due_at"] is None:
        # the stored task (or its contact) refuses a valid body: 409 naming the field (issue 10 §5)
        raise Conflict("task_invitation_no_due_at", errors={"due_at": ["task_invitation_no_due_at"]})
    email, name, language = _recipient(session, contacts=contacts, actor=actor, task=task, data=data)
    if data.get("idempotency_key"):
        replay = invitation_repository.by_key_or_none(session, task_id=task_id, idempotency_key=data["idempotency_key"])
        if replay is not None:
            return {**invitation_read(replay), "duplicate": False}
    invitation_repository.lock_organization(session, actor["org_id"])
    earlier = invitation_repository.request_since(session, task_id=task_id, email=email, since=task["updated_at"])
    if earlier is not None:
        return {**invitation_read(earlier), "duplicate": True}
    now = invitations.utc_now()
    _within_quotas(session, settings=settings, actor=actor, task_id=task_id, email=email, now=now)
    values = {"id": str(uuid.uuid4()), "org_id": actor["org_id"], "task_id": task_id, "method": "REQUEST",
              "idempotency_key": data.get("idempotency_key") or str(uuid.uuid4()), "recipient": data["to"],
              "email": email, "name": name, "language": "en" if language.startswith("en") else "fr",
              "timezone": actor.get("timezone") or "America/Toronto", "status": "pending", "attempts": 0,
              "next_attempt_at": now, "created_by": actor["user_id"], "created_at": now}
    if not invitation_repository.insert_invitation(session, values):
        values = invitation_repository.by_key(session, task_id=task_id, idempotency_key=values["idempotency_key"])
    return {**invitation_read({**values, "last_error": values.get("last_error"), "sent_at": values.get("sent_at")}),
            "duplicate": False}


def _recipient(session, *, contacts, actor, task, data):
    """``(email, name, language)`` of the invitation: the contact's as the source has it, or the assignee's the
    gateway passed in."""
    if data["to"] != "contact":
        recipient = data.get("recipient")
        if not recipient:
            raise Conflict("task_invitation_no_email", errors={"to": ["task_invitation_no_email"]})
        return recipient["email"], recipient.get("name"), recipient.get("language") or "fr"
    if not task["contact_id"]:
        raise Conflict("task_invitation_no_contact", errors={"to": ["task_invitation_no_contact"]})
    contact = links.linked_records(session, contacts=contacts, actor=actor, contact_id=task["contact_id"])["contact"]
    if contact is None:
        raise NotFound()
    if not contact["email"]:
        raise Conflict("task_invitation_no_email", errors={"to": ["task_invitation_no_email"]})
    name = " ".join(p for p in (contact["first_name"], contact["last_name"]) if p) or None
    return contact["email"], name, actor.get("language") or "fr"


def _within_quotas(session, *, settings, actor, task_id, email, now):
    """429 naming the quota the new request would pass, over the last day (``invitations.QUOTA_WINDOW``): the
    task's addresses (``per_task``; an address it already went to does not count again), the user's and the
    organization's requests (``per_user``, ``per_org``). ``retry_after``: when the oldest request counted leaves
    the window and frees a place."""
    since = now - invitations.QUOTA_WINDOW
    addresses = invitation_repository.addresses_since(session, task_id=task_id, since=since)
    if email.lower() not in addresses and len(addresses) >= settings.per_task:
        _refuse("task_invitations_per_task", settings.per_task, min(addresses.values()), now)
    for code, cap, user_id in (("task_invitations_per_user", settings.per_user, actor["user_id"]),
                               ("task_invitations_per_org", settings.per_org, None)):
        count, oldest = invitation_repository.requests_since(session, org_id=actor["org_id"], since=since,
                                                             user_id=user_id)
        if count >= cap:
            _refuse(code, cap, oldest, now)


def _refuse(code, cap, oldest, now):
    wait = oldest + invitations.QUOTA_WINDOW - now if oldest is not None else invitations.QUOTA_WINDOW
    raise TooManyRequests(code, params={"limit": cap, "retry_after": max(math.ceil(wait.total_seconds()), 1)})


def list_invitations(session, *, actor, task_id):
    _visible_row(session, actor, task_id)
    return [invitation_read(r) for r in invitation_repository.of_task(session, task_id)]


def queue_cancellations(session, *, task, sequence, actor_id):
    """``task`` (its row before the delete) is being deleted; withdraw its event wherever it may be.

    Waiting REQUESTs are dropped; each address holding the event gets one CANCEL row (SEQUENCE ``sequence``,
    above every REQUEST's), keyed so that queuing it twice adds nothing. Returns the number queued.
    """
    invitation_repository.drop_waiting_requests(session, task["id"])
    holding = invitations.addresses_holding_the_event(invitation_repository.of_task(session, task["id"]))
    event = invitations.stored_event(task, sequence)
    now = invitations.utc_now()
    queued = 0
    for request in holding:
        queued += invitation_repository.insert_invitation(session, {
            "id": str(uuid.uuid4()), "org_id": task["org_id"], "task_id": task["id"], "method": "CANCEL",
            "event": event, "idempotency_key": f"cancel-{sequence}-{request['email']}",
            "recipient": request["recipient"], "email": request["email"], "name": request["name"],
            "language": request["language"], "timezone": request["timezone"], "status": "pending", "attempts": 0,
            "next_attempt_at": now, "created_by": actor_id or request["created_by"], "created_at": now})
    return queued


# The sending job ------------------------------------------------------------------------------------------

def send_due_invitations(session, *, mailer, settings, clock):
    """One tick of the job: rows a crashed worker left in ``sending`` become ``unknown``, then up to
    ``SEND_BATCH`` due invitations are sent."""
    mark_stalled(session, settings=settings, clock=clock)
    for _ in range(SEND_BATCH):
        if not deliver_next(session, mailer=mailer, settings=settings, clock=clock):
            break


def mark_stalled(session, *, settings, clock):
    """Rows left in ``sending`` by a crashed worker: the email may have left, so ``unknown``, not resent."""
    with session.begin():
        return invitation_repository.mark_stalled(session, claimed_before=clock() - settings.stalled_after)


def _claim(session, *, clock):
    """The next due invitation, now ``sending`` (committed), with the event it sends; None when none is due,
    False when the one due cannot be sent (its task is gone: ``failed``)."""
    with session.begin():
        row = invitation_repository.claim_due(session, now=clock())
        if row is None:
            return None
        if row["method"] == "CANCEL":
            event = invitations.event_of_cancel(row["event"])
        else:
            task = invitation_repository.task_of(session, row["task_id"])
            if task is None or task["due_at"] is None or task["deleted_at"] is not None:
                invitation_repository.set_values(session, row["id"], status="failed", last_error="task_gone")
                return False
            event = invitations.event_of_task(task)
        invitation_repository.set_values(session, row["id"], status="sending", attempts=row["attempts"] + 1,
                                         claimed_at=clock())
        return dict(row, attempts=row["attempts"] + 1), event


def deliver_next(session, *, mailer, settings, clock):
    """Send one due invitation; False when none was due."""
    claimed = _claim(session, clock=clock)
    if claimed is None:
        return False
    if claimed is False:
        return True
    invitation, event = claimed
    outcome = delivery_outcome(invitation, event, mailer=mailer, settings=settings, clock=clock)
    with session.begin():
        invitation_repository.set_values(session, invitation["id"], **outcome)
    return True


def delivery_outcome(invitation, event, *, mailer, settings, clock):
    """Send the email of a claimed invitation through ``mailer``; what to record of it (the row's new values)."""
    try:
        mailer.send(invitations.message_for(invitation, event, sender=mailer.sender, now=clock()))
    except TemporaryFailure as exc:
        if invitation["attempts"] >= settings.max_attempts:
            return {"status": "failed", "last_error": f"temporary: {exc}"[:500]}
        return {"status": "pending", "last_error": f"temporary: {exc}"[:500],
                "next_attempt_at": clock() + invitations.backoff(settings, invitation["attempts"])}
    except PermanentFailure as exc:
        return {"status": "failed", "last_error": f"permanent: {exc}"[:500]}
    except UncertainFailure as exc:
        return {"status": "unknown", "last_error": f"uncertain: {exc}"[:500]}
    except Exception:  # noqa: BLE001 - a bug building the message: never retried, never a resend
        log.exception("invitation %s could not be built", invitation["id"])
        return {"status": "failed", "last_error": "internal_error"}
    return {"status": "sent", "sent_at": clock(), "last_error": None}
