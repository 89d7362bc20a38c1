"""Tasks (T-1, T-2, C-22) and invitations requests (T-3): use cases over SQLAlchemy Core.

Visibility: a task linked to a contact, an account and/or an opportunity inherits their visibility (each
link must be visible, ``visibility.py``); a task without links is seen by its assignee, its creator and
administrators. ``own_records_only`` (S-4) narrows every task to those assigned to or created by the
caller. Anything not visible is ``NotFound``, never ``Forbidden``. A task deleted with its contact or account
(C-10, ``task_dependents``) is hidden everywhere until that record is restored.

Deleting a task withdraws its calendar event where an invitation may have arrived (T-3, ``invitation_jobs``).
"""
import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_common.errors import InvalidInput, NotFound
from carnet_opportunities import invitation_jobs, task_events, visibility
from carnet_opportunities.models import account_refs, contact_refs, opportunities, task_invitations, tasks
from carnet_opportunities.task_contracts import STATUSES

FIELDS = ("type", "status", "title", "description", "due_at", "assignee_id", "contact_id", "account_id",
          "opportunity_id")
LINKS = ("contact_id", "account_id", "opportunity_id")


def _now():
    return datetime.now(timezone.utc)


def _links_visible(actor):
    """Each link of the task, when set, names a record ``actor`` sees, looked up by key per task."""
    return [visibility.visible_by_key(contact_refs, tasks.c.contact_id,
                                      visibility.ref_visible(contact_refs, actor=actor)),
            visibility.visible_by_key(account_refs, tasks.c.account_id,
                                      visibility.ref_visible(account_refs, actor=actor)),
            visibility.visible_by_key(opportunities, tasks.c.opportunity_id,
                                      visibility.opportunity_visible(opportunities, account_refs, actor=actor))]


def own_tasks(actor):
    """Predicate on ``tasks``: the caller's own (assigned to or created by them): what S-4 leaves a limited user,
    in the lists and the dashboard alike."""
    return sa.or_(tasks.c.assignee_id == actor["user_id"], tasks.c.created_by == actor["user_id"])


def _task_rule(actor, links_visible):
    """The rule on the task itself, around the check of its links: the organization's, not deleted with a
    record (C-10); without links, only administrators, its assignee and its creator see it; with
    ``own_records_only`` (S-4), only the caller's own."""
    clauses = [tasks.c.org_id == actor["org_id"], tasks.c.deleted_at.is_(None), *links_visible]
    if visibility.own_records_only(actor):
        clauses.append(own_tasks(actor))
    elif not actor.get("is_admin"):
        clauses.append(sa.or_(*(tasks.c[key].isnot(None) for key in LINKS), own_tasks(actor)))
    return sa.and_(*clauses)


def task_visible(actor):
    """Predicate on ``tasks``: what ``actor`` may see (same rule for list, board, get, edit, dashboard).

    Every set link visible, each looked up by key per task the other filters keep
    (``visibility.visible_by_key``): the cost follows the tasks filtered (``_task_rule`` for the rest)."""
    return _task_rule(actor, _links_visible(actor))


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
    query = sa.select(tasks).where(tasks.c.id == task_id, task_visible(actor))
    if for_update:
        query = query.with_for_update(of=tasks)
    row = session.execute(query).mappings().first()
    if row is None:
        raise NotFound()
    return row


def _check_links(session, actor, values):
    """Each link visible to the caller (404 otherwise); a contact of the chosen account (422)."""
    contact = None
    if values.get("contact_id"):
        contact = session.execute(sa.select(contact_refs.c.id, contact_refs.c.account_id).where(
            contact_refs.c.id == values["contact_id"], visibility.ref_visible(contact_refs, actor=actor))).first()
        if contact is None:
            raise NotFound()
    if values.get("account_id"):
        found = session.execute(sa.select(account_refs.c.id).where(
            account_refs.c.id == values["account_id"], visibility.ref_visible(account_refs, actor=actor))).first()
        if found is None:
            raise NotFound()
        if contact is not None and contact.account_id != values["account_id"]:
            raise InvalidInput(errors={"contact_id": ["task_contact_not_of_account"]})
    if values.get("opportunity_id"):
        found = session.execute(sa.select(opportunities.c.id).where(
            opportunities.c.id == values["opportunity_id"],
            visibility.opportunity_visible(opportunities, account_refs, actor=actor))).first()
        if found is None:
            raise NotFound()


def create_task(session, *, outbox, actor, data):
    now = _now()
    values = {key: data.get(key) for key in FIELDS}
    values.update(id=str(uuid.uuid4()), org_id=actor["org_id"], status=data.get("status") or "todo",
                  assignee_id=data.get("assignee_id") or actor["user_id"], created_by=actor["user_id"],
                  version=1, created_at=now, updated_at=now)
    _check_links(session, actor, values)
    session.execute(sa.insert(tasks).values(**values))
    outbox.add(session, task_events.TASK_CREATED, task_events.payload(values, actor))
    return task_read(values, actor)


def get_task(session, *, actor, task_id):
    return task_read(_visible_row(session, actor, task_id), actor)


def update_task(session, *, outbox, actor, task_id, data):
    row = _visible_row(session, actor, task_id, for_update=True)
    changes = {key: value for key, value in data.items() if key in FIELDS and row[key] != value}
    for key in ("type", "status", "title", "assignee_id"):
        if key in changes and changes[key] is None:
            raise InvalidInput(errors={key: ["Field may not be null."]})
    if not changes:
        return task_read(row, actor)
    merged = {**row, **changes}
    if any(key in changes for key in LINKS):
        _check_links(session, actor, {key: merged[key] for key in LINKS})
    changes.update(version=row["version"] + 1, updated_at=_now())
    session.execute(sa.update(tasks).where(tasks.c.id == task_id).values(**changes))
    merged.update(changes)
    outbox.add(session, task_events.TASK_UPDATED, task_events.payload(merged, actor))
    return task_read(merged, actor)


def delete_task(session, *, outbox, actor, task_id):
    """For good (no trash for a task alone); its sent invitations are cancelled (T-3)."""
    row = _visible_row(session, actor, task_id, for_update=True)
    invitation_jobs.queue_cancellations(session, task=row, sequence=row["version"] + 1, actor_id=actor["user_id"])
    session.execute(sa.delete(tasks).where(tasks.c.id == task_id))
    outbox.add(session, task_events.TASK_DELETED, task_events.payload(row, actor))


def _filters(actor, query):
    clauses = [task_visible(actor)]
    for key in ("assignee_id", "contact_id", "account_id", "opportunity_id", "status", "type"):
        if query.get(key):
            clauses.append(tasks.c[key] == query[key])
    if query.get("due_before"):
        clauses.append(tasks.c.due_at < query["due_before"])
    return clauses


ORDER = (tasks.c.due_at.asc().nulls_last(), tasks.c.created_at, tasks.c.id)


# A board column counts its tasks up to this many, then says "500+" (``total_capped``): the "done" column of
# a busy user holds ~17,000 tasks at the benchmark's size, and an exact count checks each one's links
# (150 ms), while nobody reads a column's total beyond that (issue 5 board target, T-2).
BOARD_TOTAL_CAP = 500


def _board(session, actor, clauses, query):
    """One column per status: its first ``per_page`` tasks and its total, exact up to ``BOARD_TOTAL_CAP`` (T-2)."""
    statuses = [query["status"]] if query.get("status") else list(STATUSES)
    per_page, offset = query["per_page"], (query["page"] - 1) * query["per_page"]
    columns = []
    for status in statuses:
        where = (*clauses, tasks.c.status == status)
        capped_set = sa.select(tasks.c.id).where(*where).limit(BOARD_TOTAL_CAP + 1).subquery()
        counted = session.execute(sa.select(sa.func.count()).select_from(capped_set)).scalar_one()
        rows = []
        if counted > offset or counted > BOARD_TOTAL_CAP:   # past the cap the column may hold more pages
            rows = session.execute(sa.select(tasks).where(*where).order_by(*ORDER)
                                   .limit(per_page).offset(offset)).mappings().all()
        columns.append({"status": status, "total": min(counted, BOARD_TOTAL_CAP),
                        "total_capped": counted > BOARD_TOTAL_CAP,
                        "items": [task_read(r, actor) for r in rows]})
    return {"view": "board", "columns": columns}


def list_tasks(session, *, actor, query):
    """``view=board``: one column per status (``_board``); otherwise a page of tasks, soonest due first."""
    clauses = _filters(actor, query)
    if query.get("view") == "board":
        return _board(session, actor, clauses, query)
    per_page, page = query["per_page"], query["page"]
    where = sa.and_(*clauses)
    rows = session.execute(sa.select(tasks).where(where).order_by(*ORDER)
                           .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    total = session.execute(sa.select(sa.func.count()).select_from(tasks).where(where)).scalar_one()
    return {"items": [task_read(r, actor) for r in rows], "total": total, "page": page, "per_page": per_page}


# Invitations (T-3) ---------------------------------------------------------------------------------------

def invitation_read(row):
    return {"id": row["id"], "task_id": row["task_id"], "method": row["method"], "to": row["recipient"],
            "email": row["email"], "status": row["status"], "attempts": row["attempts"],
            "last_error": row["last_error"], "created_at": row["created_at"].isoformat(),
            "sent_at": row["sent_at"].isoformat() if row["sent_at"] else None}


def request_invitation(session, *, actor, task_id, data):
    """Store the invitation for the sending job (202); the same ``idempotency_key`` returns the same one."""
    task = _visible_row(session, actor, task_id)
    if task["due_at"] is None:
        raise InvalidInput(errors={"due_at": ["task_invitation_no_due_at"]})
    if data["to"] == "contact":
        if not task["contact_id"]:
            raise InvalidInput(errors={"to": ["task_invitation_no_contact"]})
        contact = session.execute(sa.select(contact_refs).where(
            contact_refs.c.id == task["contact_id"],
            visibility.ref_visible(contact_refs, actor=actor))).mappings().first()
        if contact is None:
            raise NotFound()
        if not contact["email"]:
            raise InvalidInput(errors={"to": ["task_invitation_no_email"]})
        name = " ".join(p for p in (contact["first_name"], contact["last_name"]) if p) or None
        email, language = contact["email"], actor.get("language") or "fr"
    else:
        recipient = data.get("recipient")
        if not recipient:
            raise InvalidInput(errors={"to": ["task_invitation_no_email"]})
        email, name, language = recipient["email"], recipient.get("name"), recipient.get("language") or "fr"
    now = _now()
    values = {"id": str(uuid.uuid4()), "org_id": actor["org_id"], "task_id": task_id, "method": "REQUEST",
              "idempotency_key": data.get("idempotency_key") or str(uuid.uuid4()), "recipient": data["to"],
              "email": email, "name": name, "language": "en" if language.startswith("en") else "fr",
              "timezone": actor.get("timezone") or "America/Toronto", "status": "pending", "attempts": 0,
              "next_attempt_at": now, "created_by": actor["user_id"], "created_at": now}
    inserted = session.execute(insert(task_invitations).values(**values).on_conflict_do_nothing()
                               .returning(task_invitations.c.id)).first()
    if inserted is None:
        values = session.execute(sa.select(task_invitations).where(
            task_invitations.c.task_id == task_id,
            task_invitations.c.idempotency_key == values["idempotency_key"])).mappings().one()
    return invitation_read({**values, "last_error": values.get("last_error"), "sent_at": values.get("sent_at")})


def list_invitations(session, *, actor, task_id):
    _visible_row(session, actor, task_id)
    rows = session.execute(sa.select(task_invitations).where(task_invitations.c.task_id == task_id)
                           .order_by(task_invitations.c.created_at)).mappings().all()
    return [invitation_read(r) for r in rows]
