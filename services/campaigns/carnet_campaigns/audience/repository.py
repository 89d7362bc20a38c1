"""The queries of the audience area (the only code of the area that builds SQL, predicates included):

- the projections of the contacts events into ``contact_refs`` (the read model: newest version wins, deletes and
  restores ordered by their ``occurred_at``, placeholders for events about a contact not seen yet);
- who sees which contacts (``ref_visible``: C-2, S-4, S-5, as the opportunities' read model);
- the E-4 counters (``counters``: ONE statement) and the audience of a send (``audience_select``, a Select the
  campaigns area inserts from);
- the consent ledger (E-11) and each contact's consent summary;
- the suppression list (``is_suppressed``, ``suppress``: called by the sender and the engagement area).

What is valid (E-4, the FAQ's "valides"): an email that contains "@" and "." and ends with neither; a language
starting with an, en, f, es or d (case-insensitive); subscribed; and (C-24) an active contact. The first three and
C-24 are the read model's computed column ``mailable`` (``audience/tables.py``), written by PostgreSQL with the row.
"""
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on, insert

from carnet_campaigns.audience.tables import consents, contact_refs, suppressions
from carnet_contracts.visibility import rep_ids  # noqa: F401 - S-4, S-5: the one rule

REASONS = ("unsubscribe", "bounce", "complaint", "manual")


def now():
    return datetime.now(timezone.utc)


def id_array(name, values):
    """``values`` as ONE bind parameter (a text array), never one parameter per id."""
    return sa.bindparam(name, list(values), type_=ARRAY(sa.Text), unique=True)


def email_key(email):
    return (email or "").strip().lower()


# Visibility (C-2, S-4, S-5) -----------------------------------------------------------------------------------



def ref_visible(actor, table=contact_refs, *, list_ids=None):
    """Predicate: of the actor's organization, not deleted, in one of their selected accessible lists
    (``actor["list_ids"]``; or of ``list_ids``, which the caller checked are among them), and — unless admin or
    ``all_contacts`` — rep 1 or rep 2 is them (or one below them with ``hierarchy_contacts``)."""
    list_ids = list(actor.get("list_ids") or () if list_ids is None else list_ids)
    clauses = [table.c.org_id == actor["org_id"], table.c.deleted_at.is_(None)]
    clauses.append(table.c.list_ids.overlap(id_array("scope_list_ids", list_ids)) if list_ids else sa.false())
    reps = rep_ids(actor)
    if reps is not None:
        reps = id_array("rep_ids", reps)
        clauses.append(sa.or_(table.c.rep1_id == sa.any_(reps), table.c.rep2_id == sa.any_(reps)))
    return sa.and_(*clauses)


# The read model: projections of the contacts events -------------------------------------------------------

EVENT_COLUMNS = ("email", "language", "subscribed", "status", "first_name", "last_name", "rep1_id", "rep2_id")


def upsert_contact(session, values, *, version, list_ids, with_lists):
    """Insert or update a ref when ``version`` is newer than the stored one (placeholders are version 0)."""
    changes = {key: values[key] for key in EVENT_COLUMNS if key in values}
    if with_lists:
        changes["list_ids"] = list(list_ids)
    stmt = insert(contact_refs).values(**values, list_ids=list(list_ids), version=version)
    session.execute(stmt.on_conflict_do_update(index_elements=[contact_refs.c.id],
                                               set_={**changes, "version": version},
                                               where=contact_refs.c.version < version))


def placeholder(session, contact_id, org_id):
    session.execute(insert(contact_refs).values(id=contact_id, org_id=org_id, list_ids=[], version=0)
                    .on_conflict_do_nothing(index_elements=[contact_refs.c.id]))


def set_deleted(session, contact_ids, org_id, *, deleted_at, occurred_at):
    """Delete (``deleted_at`` set) or restore (None) refs, unless a later delete/restore was applied."""
    contact_ids = list(contact_ids)
    if not contact_ids:
        return
    for contact_id in contact_ids:
        placeholder(session, contact_id, org_id)
    newer = sa.true() if occurred_at is None else sa.or_(contact_refs.c.lifecycle_at.is_(None),
                                                          contact_refs.c.lifecycle_at < occurred_at)
    session.execute(contact_refs.update().where(contact_refs.c.id == sa.any_(id_array("ids", contact_ids)),
                                                contact_refs.c.org_id == org_id, newer)
                    .values(deleted_at=deleted_at, lifecycle_at=occurred_at))


def change_membership(session, contact_id, org_id, *, added, removed):
    placeholder(session, contact_id, org_id)
    current = session.execute(sa.select(contact_refs.c.list_ids).where(
        contact_refs.c.id == contact_id, contact_refs.c.org_id == org_id).with_for_update()).scalar()
    if current is None:
        return
    after = sorted((set(current) | set(added)) - set(removed))
    session.execute(contact_refs.update().where(contact_refs.c.id == contact_id).values(list_ids=after))


def remove_list(session, org_id, list_id):
    """A deleted list takes its memberships with it (contacts stay)."""
    session.execute(contact_refs.update().where(contact_refs.c.org_id == org_id, contact_refs.c.list_ids.any(list_id))
                    .values(list_ids=sa.func.array_remove(contact_refs.c.list_ids, list_id)))


def purge(session, contact_id, org_id):
    """The contact gone for good: its ref and its consent ledger (Law 25: nothing of the person is kept but, when it
    unsubscribed, its address on the suppression list, so that it is never mailed again)."""
    session.execute(consents.delete().where(consents.c.contact_id == contact_id, consents.c.org_id == org_id))
    session.execute(contact_refs.delete().where(contact_refs.c.id == contact_id, contact_refs.c.org_id == org_id))


def visible_contact(session, actor, contact_id):
    return session.execute(sa.select(contact_refs).where(contact_refs.c.id == contact_id, ref_visible(actor))
                           ).mappings().first()


# E-4: validity, counters, the audience of a send --------------------------------------------------------------

def _suppressed(org_id):
    """The contact's address is on its organization's suppression list (a hashed subplan: one probe per row)."""
    return contact_refs.c.email_key.in_(sa.select(suppressions.c.email_key).where(suppressions.c.org_id == org_id))


def _eligible(actor):
    """Mailable for its own data (``mailable``: the FAQ's validity and C-24), subscribed, not suppressed."""
    return sa.and_(contact_refs.c.mailable, contact_refs.c.subscribed, sa.not_(_suppressed(actor["org_id"])))


def counters(session, *, actor, list_ids, require_express, now):
    """The E-4 and E-11 counters of the contacts of ``list_ids`` (each one of the actor's selected accessible lists:
    the caller checks) that ``actor`` sees, in ONE statement (docs: audience rules):

    ``total`` contacts; ``invalid`` of them (not ``mailable``: no valid email or language, or inactive);
    ``unsubscribed`` (of the rest: unsubscribed or their address suppressed); the rest are *eligible*: ``valid``
    their distinct addresses (case-insensitive), ``duplicates`` the eligible contacts beyond one per address; of the
    valid addresses, ``no_consent`` (no contact with the address has a consent in effect or lapsed) and
    ``consent_expired`` (none in effect, an implied one lapsed); ``selected`` what a send reaches: the valid
    addresses, or with ``require_express`` those with an express consent in effect.

    Fast for a million contacts: one scan of the organization's rows of the lists; what each row is was computed
    when it was written (``mailable``, ``email_key``, ``email_hash``, the consent summary); addresses are told apart
    by their 64-bit hash (sorting integers; two addresses of one audience sharing a hash, about 1 in 10^7 for a
    million addresses, would count once here while both are sent); the subquery is kept whole (OFFSET 0) so its
    category is computed once per row."""
    category = sa.case((sa.not_(contact_refs.c.mailable), sa.literal(0)),
                       (sa.or_(sa.not_(contact_refs.c.subscribed), _suppressed(actor["org_id"])), sa.literal(1)),
                       else_=sa.literal(2)).label("category")
    rows = (sa.select(category, contact_refs.c.email_hash, contact_refs.c.consent_express,
                      contact_refs.c.consent_implied_until)
            .where(ref_visible(actor, list_ids=list_ids)).offset(0).subquery("audience"))
    at = sa.bindparam("now", now, type_=sa.DateTime(timezone=True))
    eligible = rows.c.category == 2
    express = rows.c.consent_express
    ever = sa.or_(express, rows.c.consent_implied_until.is_not(None))
    in_effect = sa.or_(express, rows.c.consent_implied_until > at)

    def addresses(*where):
        return sa.func.count(sa.distinct(rows.c.email_hash)).filter(eligible, *where)

    query = sa.select(sa.func.count().label("total"),
                      sa.func.count().filter(rows.c.category == 0).label("invalid"),
                      sa.func.count().filter(rows.c.category == 1).label("unsubscribed"),
                      sa.func.count().filter(eligible).label("eligible"),
                      addresses().label("valid"), addresses(express).label("express"),
                      addresses(ever).label("ever"), addresses(in_effect).label("in_effect"))
    row = session.execute(query).mappings().one()
    return {"total": row["total"], "valid": row["valid"],
            "selected": row["express"] if require_express else row["valid"],
            "duplicates": row["eligible"] - row["valid"], "unsubscribed": row["unsubscribed"],
            "invalid": row["invalid"], "no_consent": row["valid"] - row["ever"],
            "consent_expired": row["ever"] - row["in_effect"]}


def audience_select(*, actor, list_ids, require_express, now):
    """The contacts a send reaches, as a Select: ``contact_id, email, email_key, language ('fr' | 'en'),
    first_name, last_name`` — one row per address (of the contacts selected, the lowest id), eligible contacts only
    (mailable, subscribed, not suppressed), with ``require_express`` those with an express consent in effect. The
    campaigns area does INSERT … FROM SELECT with it. ``now`` is accepted for symmetry with ``counters`` (express
    consent does not lapse)."""
    clauses = [ref_visible(actor, list_ids=list_ids), _eligible(actor)]
    if require_express:
        clauses.append(contact_refs.c.consent_express)
    language = sa.case((contact_refs.c.language.op("~*")("^f"), sa.literal("fr")), else_=sa.literal("en"))
    key = contact_refs.c.email_key
    return (sa.select(contact_refs.c.id.label("contact_id"), contact_refs.c.email.label("email"),
                      key.label("email_key"), language.label("language"),
                      contact_refs.c.first_name.label("first_name"), contact_refs.c.last_name.label("last_name"))
            .where(*clauses).ext(distinct_on(key)).order_by(key, contact_refs.c.id))


# The suppression list ---------------------------------------------------------------------------------------

def is_suppressed(session, *, org_id, email):
    """Whether ``email`` (case-insensitive) is on the organization's suppression list."""
    return session.execute(sa.select(sa.literal(True)).where(
        suppressions.c.org_id == org_id, suppressions.c.email_key == email_key(email))).first() is not None


def suppress(session, *, org_id, email, reason, source, contact_id=None, created_by=None):
    """Put ``email`` on the suppression list (idempotent: an address already there keeps its first entry).
    Returns True when it was added now."""
    if reason not in REASONS:
        raise ValueError(f"unknown suppression reason {reason!r}")
    row = session.execute(insert(suppressions).values(
        org_id=org_id, email_key=email_key(email), email=(email or "").strip(), reason=reason, source=source or "",
        contact_id=contact_id, created_by=created_by).on_conflict_do_nothing(
        index_elements=[suppressions.c.org_id, suppressions.c.email_key]).returning(suppressions.c.email_key)).first()
    return row is not None


def suppression(session, *, org_id, email):
    return session.execute(sa.select(suppressions).where(
        suppressions.c.org_id == org_id, suppressions.c.email_key == email_key(email))).mappings().first()


def suppressions_page(session, *, org_id, limit, offset=0, search=None):
    """Newest first (``created_at``, then address)."""
    query = sa.select(suppressions).where(suppressions.c.org_id == org_id)
    if search:
        query = query.where(suppressions.c.email_key.contains(search.lower(), autoescape=True))
    return session.execute(query.order_by(suppressions.c.created_at.desc(), suppressions.c.email_key)
                           .limit(limit).offset(offset)).mappings().all()


def unsuppress(session, *, org_id, email):
    return session.execute(suppressions.delete().where(
        suppressions.c.org_id == org_id, suppressions.c.email_key == email_key(email))).rowcount


def suppressed_among(session, *, org_id, emails):
    keys = [email_key(e) for e in emails if e]
    if not keys:
        return set()
    return set(session.scalars(sa.select(suppressions.c.email_key).where(
        suppressions.c.org_id == org_id, suppressions.c.email_key == sa.any_(id_array("keys", keys)))).all())


# The consent ledger (E-11) -----------------------------------------------------------------------------------

def add_consent(session, values):
    """Insert a consent; a won opportunity's (``opportunity_id``) once: None when it was recorded before."""
    values = {"id": values.get("id") or uuid.uuid4().hex, **values}
    stmt = insert(consents).values(**values)
    if values.get("opportunity_id"):
        stmt = stmt.on_conflict_do_nothing(index_elements=[consents.c.org_id, consents.c.opportunity_id],
                                           index_where=consents.c.opportunity_id.is_not(None))
    return session.execute(stmt.returning(*consents.c)).mappings().first()


def add_consent_once(session, values):
    """Insert a consent whose ``id`` is derived from what it records (a form submission, F-3); None when it was
    recorded before (a redelivered event)."""
    stmt = insert(consents).values(**values).on_conflict_do_nothing(index_elements=[consents.c.id])
    return session.execute(stmt.returning(*consents.c)).mappings().first()


def move_consents(session, *, org_id, from_id, to_id):
    """A merge: the loser's consents are the winner's now (``merged_from`` remembers whose they were)."""
    session.execute(consents.update().where(consents.c.org_id == org_id, consents.c.contact_id == from_id)
                    .values(contact_id=to_id, merged_from=sa.func.coalesce(consents.c.merged_from, from_id)))


def move_consents_back(session, *, org_id, winner_id, loser_id):
    """A merge undone: the consents moved from the loser go back to it."""
    session.execute(consents.update().where(consents.c.org_id == org_id, consents.c.contact_id == winner_id,
                                            consents.c.merged_from == loser_id)
                    .values(contact_id=loser_id, merged_from=None))


def consents_of(session, *, org_id, contact_id):
    return session.execute(sa.select(consents).where(consents.c.org_id == org_id, consents.c.contact_id == contact_id)
                           .order_by(consents.c.given_at.desc(), consents.c.created_at.desc())).mappings().all()


def withdraw_consent(session, *, org_id, contact_id, consent_id, at, by):
    """Withdraw a consent in effect: the row, or None when there is no such consent (or it was withdrawn)."""
    return session.execute(consents.update().where(
        consents.c.id == consent_id, consents.c.org_id == org_id, consents.c.contact_id == contact_id,
        consents.c.withdrawn_at.is_(None)).values(withdrawn_at=at, withdrawn_by=by)
        .returning(*consents.c)).mappings().first()


def consent_exists(session, *, org_id, contact_id, consent_id):
    return session.execute(sa.select(consents.c.id).where(
        consents.c.id == consent_id, consents.c.org_id == org_id, consents.c.contact_id == contact_id)).first() \
        is not None


def refresh_consent_summary(session, *, org_id, contact_id):
    """The contact's summary from its ledger (consents not withdrawn): an express one; the latest implied expiry.
    Returns ``(consent_express, consent_implied_until)``."""
    placeholder(session, contact_id, org_id)
    live = sa.and_(consents.c.org_id == org_id, consents.c.contact_id == contact_id, consents.c.withdrawn_at.is_(None))
    express = sa.exists(sa.select(1).where(live, consents.c.kind == "express"))
    until = sa.select(sa.func.max(consents.c.expires_at)).where(live, consents.c.kind == "implied").scalar_subquery()
    return session.execute(contact_refs.update().where(contact_refs.c.id == contact_id,
                                                       contact_refs.c.org_id == org_id)
                           .values(consent_express=express, consent_implied_until=until)
                           .returning(contact_refs.c.consent_express, contact_refs.c.consent_implied_until)).one()


def contact_ref(session, *, org_id, contact_id):
    return session.execute(sa.select(contact_refs).where(contact_refs.c.id == contact_id,
                                                         contact_refs.c.org_id == org_id)).mappings().first()
