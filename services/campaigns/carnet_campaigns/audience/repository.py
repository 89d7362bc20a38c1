"""The queries of the audience area (the only code of the area that builds SQL, predicates included):

- the projections of the contacts events into ``contact_refs`` (the read model: newest version wins, deletes and
  restores ordered by their ``occurred_at``, placeholders for events about a contact not seen yet);
- who sees which contacts (``ref_visible``: C-2, S-4, S-5, as the opportunities' read model);
- the E-4 counters (``counters``: ONE statement) and the audience of a send (``audience_select``, a Select the
  campaigns area inserts from);
- the consent ledger (E-11) and each contact's consent summary;
- the suppression list (``is_suppressed``, ``suppress``: called by the sender and the engagement area).

What is valid (E-4, the FAQ's "valides"): an email that contains "@" and "." and ends with neither; a language
starting with an, en, f, es or d (case-insensitive); subscribed; and (C-24) an active contact. See
/docs/rules (audience) for each counter.
"""
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, insert

from carnet_campaigns.audience.tables import consents, contact_refs, suppressions

REASONS = ("unsubscribe", "bounce", "complaint", "manual")
LANGUAGE_PATTERN = "^(an|en|f|es|d)"  # E-4: the language codes a contact may be mailed in (case-insensitive)


def now():
    return datetime.now(timezone.utc)


def id_array(name, values):
    """``values`` as ONE bind parameter (a text array), never one parameter per id."""
    return sa.bindparam(name, list(values), type_=ARRAY(sa.Text), unique=True)


def email_key(email):
    return (email or "").strip().lower()


# Visibility (C-2, S-4, S-5) -----------------------------------------------------------------------------------

def rep_ids(actor):
    """The reps whose contacts ``actor`` sees, or None when they see every rep's (S-4, S-5)."""
    flags = actor.get("flags") or {}
    if actor.get("is_admin") or flags.get("all_contacts"):
        return None
    ids = [actor["user_id"]]
    if flags.get("hierarchy_contacts"):
        ids.extend(i for i in actor.get("subordinate_ids") or () if i not in ids)
    return ids


def ref_visible(actor, table=contact_refs):
    """Predicate: of the actor's organization, not deleted, in one of their selected accessible lists
    (``actor["list_ids"]``), and — unless admin or ``all_contacts`` — rep 1 or rep 2 is them (or one below them
    with ``hierarchy_contacts``)."""
    list_ids = list(actor.get("list_ids") or ())
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
    session.execute(contact_refs.delete().where(contact_refs.c.id == contact_id, contact_refs.c.org_id == org_id))


def visible_contact(session, actor, contact_id):
    return session.execute(sa.select(contact_refs).where(contact_refs.c.id == contact_id, ref_visible(actor))
                           ).mappings().first()


# E-4: validity, counters, the audience of a send --------------------------------------------------------------

def _email_ok(table):
    email = table.c.email
    return sa.and_(email.is_not(None), sa.func.strpos(email, "@") > 0, sa.func.right(email, 1) != "@",
                   sa.func.strpos(email, ".") > 0, sa.func.right(email, 1) != ".")


def _language_ok(table):
    return sa.and_(table.c.language.is_not(None), table.c.language.op("~*")(LANGUAGE_PATTERN))


def _invalid(table):
    """Not mailable for its own data: no valid email or language (the FAQ's "invalides"), or inactive (C-24)."""
    return sa.not_(sa.and_(_email_ok(table), _language_ok(table), table.c.status == "active"))


def _audience_from(actor, list_ids):
    """``contact_refs`` of the lists ``list_ids`` (⊂ the actor's) that the actor sees, with their suppression row
    (LEFT JOIN on the address: a hash join, one row per contact), and the predicate selecting them."""
    key = sa.func.lower(contact_refs.c.email)
    joined = contact_refs.outerjoin(suppressions, sa.and_(suppressions.c.org_id == contact_refs.c.org_id,
                                                          suppressions.c.email_key == key))
    where = sa.and_(ref_visible(actor), contact_refs.c.list_ids.overlap(id_array("audience_list_ids", list_ids)))
    return joined, where, key


def _unsubscribed():
    return sa.or_(sa.not_(contact_refs.c.subscribed), suppressions.c.email_key.is_not(None))


def counters(session, *, actor, list_ids, require_express, now):
    """The E-4 and E-11 counters of the contacts of ``list_ids`` (each one of the actor's selected accessible lists:
    the caller checks) that ``actor`` sees, in ONE statement (docs: audience rules):

    ``total`` contacts; ``invalid`` of them (no valid email or language, or inactive); ``unsubscribed`` (of the
    rest: unsubscribed or their address suppressed); the rest are *eligible*: ``valid`` their distinct addresses
    (case-insensitive), ``duplicates`` the eligible contacts beyond one per address; of the valid addresses,
    ``no_consent`` (no consent in effect and none expired) and ``consent_expired`` (no consent in effect, an
    implied one lapsed); ``selected`` what a send reaches: the valid addresses, or with ``require_express`` those
    with an express consent in effect."""
    joined, where, key = _audience_from(actor, list_ids)
    invalid, unsubscribed = _invalid(contact_refs), _unsubscribed()
    category = sa.case((invalid, sa.literal("invalid")), (unsubscribed, sa.literal("unsubscribed")),
                       else_=sa.literal("eligible")).label("category")
    address = sa.case((sa.or_(invalid, unsubscribed), sa.null()), else_=key).label("address")
    per_address = (sa.select(category, address, sa.func.count().label("n"),
                             sa.func.bool_or(contact_refs.c.consent_express).label("express"),
                             sa.func.max(contact_refs.c.consent_implied_until).label("implied_until"))
                   .select_from(joined).where(where).group_by(sa.text("1"), sa.text("2")).subquery("per_address"))
    c = per_address.c
    eligible = c.category == "eligible"
    at = sa.bindparam("now", now, type_=sa.DateTime(timezone=True))
    in_effect = sa.or_(c.express, sa.func.coalesce(c.implied_until > at, sa.false()))
    query = sa.select(
        sa.func.coalesce(sa.func.sum(c.n), 0).label("total"),
        sa.func.coalesce(sa.func.sum(c.n).filter(c.category == "invalid"), 0).label("invalid"),
        sa.func.coalesce(sa.func.sum(c.n).filter(c.category == "unsubscribed"), 0).label("unsubscribed"),
        sa.func.count().filter(eligible).label("valid"),
        sa.func.coalesce(sa.func.sum(c.n - 1).filter(eligible), 0).label("duplicates"),
        sa.func.count().filter(eligible, c.express).label("express"),
        sa.func.count().filter(eligible, sa.not_(in_effect), c.implied_until.is_(None)).label("no_consent"),
        sa.func.count().filter(eligible, sa.not_(in_effect), c.implied_until.is_not(None)).label("consent_expired"),
    )
    row = session.execute(query).mappings().one()
    result = {name: int(row[name]) for name in ("total", "valid", "duplicates", "unsubscribed", "invalid",
                                                 "no_consent", "consent_expired")}
    result["selected"] = int(row["express"]) if require_express else result["valid"]
    return result


def audience_select(*, actor, list_ids, require_express, now):
    """The contacts a send reaches, as a Select: ``contact_id, email, email_key, language ('fr' | 'en'),
    first_name, last_name`` — one row per address (the lowest contact id of those selected), eligible contacts only
    (valid, subscribed, not suppressed, active), with ``require_express`` those with an express consent in effect.
    The campaigns area does INSERT … FROM SELECT with it. ``now`` is accepted for symmetry with ``counters``
    (express consent does not lapse)."""
    joined, where, key = _audience_from(actor, list_ids)
    clauses = [where, sa.not_(_invalid(contact_refs)), sa.not_(_unsubscribed())]
    if require_express:
        clauses.append(contact_refs.c.consent_express)
    language = sa.case((contact_refs.c.language.op("~*")("^f"), sa.literal("fr")), else_=sa.literal("en"))
    return (sa.select(contact_refs.c.id.label("contact_id"), contact_refs.c.email.label("email"),
                      key.label("email_key"), language.label("language"),
                      contact_refs.c.first_name.label("first_name"), contact_refs.c.last_name.label("last_name"))
            .select_from(joined).where(*clauses).distinct(key).order_by(key, contact_refs.c.id))


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
    """The contact's summary from its ledger (consents not withdrawn): an express one; the latest implied expiry."""
    placeholder(session, contact_id, org_id)
    live = sa.and_(consents.c.org_id == org_id, consents.c.contact_id == contact_id, consents.c.withdrawn_at.is_(None))
    express = sa.exists(sa.select(1).where(live, consents.c.kind == "express"))
    until = sa.select(sa.func.max(consents.c.expires_at)).where(live, consents.c.kind == "implied").scalar_subquery()
    session.execute(contact_refs.update().where(contact_refs.c.id == contact_id, contact_refs.c.org_id == org_id)
                    .values(consent_express=express, consent_implied_until=until))


def contact_ref(session, *, org_id, contact_id):
    return session.execute(sa.select(contact_refs).where(contact_refs.c.id == contact_id,
                                                         contact_refs.c.org_id == org_id)).mappings().first()
