"""Use cases of the audience area (E-4, E-11): the read model of contacts, the pre-send counters, the consent ledger
and the suppression list. Keyword-only functions over a session; collaborators (the contacts proxy, the outbox) are
passed in. SQL is ``audience/repository.py``'s.

The read model converges whatever the order the contacts events are handled in (several workers, redeliveries), as
the opportunities' read model does: record events carry the record's ``version`` (newest wins; ``list_ids`` from
``contact_created`` and ``membership_changed`` only, an update's being narrowed to its author's lists); deletes and
restores are ordered by their ``occurred_at`` (``lifecycle_at``); an event about a contact not seen yet leaves a
placeholder (version 0) its creation fills in; a purge removes the ref; a merge's loser leaves (as deleted).

Consent (E-11): express consent does not lapse; implied consent lapses 2 years after a purchase, 6 months after an
inquiry (CASL s. 10(10)), at the date the caller gives for another basis. A withdrawn consent is no consent. The
contact's state: ``express`` (an express consent in effect), ``implied`` (an implied one not lapsed), ``expired``
(implied ones, all lapsed), ``none``.
"""
import calendar
import json
import uuid
from datetime import datetime, timezone

from nameko.exceptions import UnknownService

from carnet_campaigns.audience import events, repository
from carnet_common.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from carnet_common.rpc import RpcTimeout

IMPLIED_MONTHS = {"purchase": 24, "inquiry": 6}  # CASL: 2 years after a purchase, 6 months after an inquiry
WON = 100  # an opportunity at 100 % is won (opportunities' stages: "Won / invoiced")


def now():
    return datetime.now(timezone.utc)


def timestamp(value):
    """An ISO 8601 text as a datetime; None for anything else."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


# Consent expiry (pure) -------------------------------------------------------------------------------------------

def add_months(moment, months):
    """``moment`` ``months`` calendar months later, the day clamped to the month's last (Aug 31 + 6 → Feb 28/29)."""
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def consent_expiry(*, kind, basis, given_at, expires_at=None):
    """When a consent lapses: None for express; 2 years after a purchase; 6 months after an inquiry; the given
    ``expires_at`` for another basis."""
    if kind == "express":
        return None
    if basis in IMPLIED_MONTHS:
        return add_months(given_at, IMPLIED_MONTHS[basis])
    return expires_at


def consent_in_effect(consent, at):
    if consent["withdrawn_at"] is not None:
        return False
    return consent["expires_at"] is None or consent["expires_at"] > at


def consent_state(consents, at):
    """``express`` | ``implied`` | ``expired`` | ``none`` of a contact's ledger at ``at`` (withdrawn ones ignored)."""
    live = [c for c in consents if c["withdrawn_at"] is None]
    if any(c["kind"] == "express" for c in live):
        return "express"
    implied = [c for c in live if c["kind"] == "implied"]
    if any(c["expires_at"] is None or c["expires_at"] > at for c in implied):
        return "implied"
    return "expired" if implied else "none"


# The read model of contacts -----------------------------------------------------------------------------------

def contact_values(org_id, record):
    """A contact as the read model keeps it, from an event's or the source's ``record``."""
    return {"id": record["id"], "org_id": org_id, "email": record.get("email"), "language": record.get("language"),
            "subscribed": record.get("subscribed") is not False,
            "status": record.get("status") if record.get("status") in ("active", "inactive") else "active",
            "first_name": record.get("first_name"), "last_name": record.get("last_name"),
            "rep1_id": record.get("rep1_id"), "rep2_id": record.get("rep2_id")}


def save_contact(session, *, data, created):
    """``contact_created`` (``created``, with all its lists) or ``contact_updated``: the newest version wins."""
    record = data["record"]
    repository.upsert_contact(session, contact_values(data["org_id"], record), version=record["version"],
                              list_ids=list(data.get("list_ids") or record.get("list_ids") or []), with_lists=created)


def delete_contact(session, *, data, occurred_at):
    at = timestamp(occurred_at)
    repository.set_deleted(session, [data["contact_id"]], data["org_id"],
                           deleted_at=timestamp(data.get("deleted_at")) or at or now(), occurred_at=at)


def restore_contact(session, *, data, occurred_at):
    repository.set_deleted(session, [data["contact_id"]], data["org_id"], deleted_at=None,
                           occurred_at=timestamp(occurred_at))


def delete_account(session, *, data, occurred_at):
    """``account_deleted``: the contacts deleted with the account."""
    at = timestamp(occurred_at)
    repository.set_deleted(session, list(data.get("contact_ids") or []), data["org_id"],
                           deleted_at=timestamp(data.get("deleted_at")) or at or now(), occurred_at=at)


def restore_account(session, *, data, occurred_at):
    repository.set_deleted(session, list(data.get("contact_ids") or []), data["org_id"], deleted_at=None,
                           occurred_at=timestamp(occurred_at))


def merge_contact(session, *, data, occurred_at, outbox=None):
    """``contact_merged``: the loser leaves (its lists went to the winner, whose events say so) and its consents
    are the winner's (the same person's: E-11)."""
    at = timestamp(occurred_at)
    org_id, winner_id, loser_id = data["org_id"], data["winner_id"], data["loser_id"]
    repository.set_deleted(session, [loser_id], org_id, deleted_at=at or now(), occurred_at=at)
    repository.move_consents(session, org_id=org_id, from_id=loser_id, to_id=winner_id)
    for contact_id in (winner_id, loser_id):
        _summary_changed(session, outbox=outbox, org_id=org_id, contact_id=contact_id,
                         actor_id=data.get("actor_id"), at=now())


def unmerge_contact(session, *, data, occurred_at, outbox=None):
    """``contact_merge_undone``: the loser is back with the consents the merge moved (an undo handled before its
    merge moves nothing: the merge's event then moves them, a case left as is)."""
    org_id, winner_id, loser_id = data["org_id"], data["winner_id"], data["loser_id"]
    repository.set_deleted(session, [loser_id], org_id, deleted_at=None, occurred_at=timestamp(occurred_at))
    repository.move_consents_back(session, org_id=org_id, winner_id=winner_id, loser_id=loser_id)
    for contact_id in (winner_id, loser_id):
        _summary_changed(session, outbox=outbox, org_id=org_id, contact_id=contact_id,
                         actor_id=data.get("actor_id"), at=now())


def change_membership(session, *, data):
    if data.get("record_type", "contact") != "contact":
        return  # accounts are not mailed
    repository.change_membership(session, data["record_id"], data["org_id"], added=data.get("added") or [],
                                 removed=data.get("removed") or [])


def remove_list(session, *, data):
    repository.remove_list(session, data["org_id"], data["list_id"])


def purge_contact(session, *, data):
    repository.purge(session, data["contact_id"], data["org_id"])


# A contact confirmed at the source ------------------------------------------------------------------------------

SOURCE_ERRORS = (RpcTimeout, OSError)
SOURCE_ACTOR_KEYS = ("org_id", "user_id", "is_admin", "request_id", "flags", "subordinate_ids", "timezone")


def _ref(row):
    return {key: row[key] for key in ("id", "org_id", "email", "language", "subscribed", "status", "first_name",
                                      "last_name", "rep1_id", "rep2_id")} | {"list_ids": list(row["list_ids"])}


def confirm_contact(session, *, contacts, actor, contact_id):
    """The contact ``contact_id`` as ``actor`` sees it (a dict: id, org_id, email, language, subscribed, status,
    first_name, last_name, rep1_id, rep2_id, list_ids), or NotFound.

    The read model answers first; a miss is confirmed at the source (contacts' ``get_contact`` as the caller: the
    read model lags the events' trip, and a contact a client was just given exists). What the source answers is not
    written into the read model (its ``list_ids`` are only those the caller sees): the events bring it. When the
    source does not answer in time: 503, never a 404 for a contact that may exist."""
    row = repository.visible_contact(session, actor, contact_id)
    if row is not None:
        return _ref(row)
    try:
        record = contacts.get_contact({k: actor[k] for k in SOURCE_ACTOR_KEYS if k in actor}, contact_id)
    except NotFound:
        raise NotFound() from None
    except (*SOURCE_ERRORS, UnknownService):
        raise ServiceUnavailable("service_unavailable", params={"service": "contacts"}) from None
    if not isinstance(record, dict) or record.get("org_id", actor["org_id"]) != actor["org_id"]:
        raise NotFound()
    values = contact_values(actor["org_id"], record)
    return values | {"list_ids": list(record.get("list_ids") or [])}


# E-4 counters --------------------------------------------------------------------------------------------------

def check_lists(actor, list_ids):
    """Each list must be one the caller may access (their selected accessible lists): else 422 ``unknown_list``."""
    allowed = set(actor.get("list_ids") or ())
    outside = [list_id for list_id in list_ids if list_id not in allowed]
    if outside:
        raise InvalidInput(errors={"list_ids": ["unknown_list"]}, params={"ids": ", ".join(outside)})
    return list(dict.fromkeys(list_ids))


def audience_counters(session, *, actor, list_ids, require_express, at=None):
    list_ids = check_lists(actor, list_ids)
    return repository.counters(session, actor=actor, list_ids=list_ids, require_express=require_express,
                               now=at or now())


# E-11 consent ledger --------------------------------------------------------------------------------------------

def consent_read(row, at):
    return {"id": row["id"], "contact_id": row["contact_id"], "kind": row["kind"], "basis": row["basis"],
            "source": row["source"], "given_at": iso(row["given_at"]), "expires_at": iso(row["expires_at"]),
            "proof": row["proof"], "recorded_by": row["recorded_by"], "withdrawn_at": iso(row["withdrawn_at"]),
            "withdrawn_by": row["withdrawn_by"], "opportunity_id": row["opportunity_id"],
            "in_effect": consent_in_effect(row, at)}


def _summary_changed(session, *, outbox, org_id, contact_id, actor_id, at):
    """The contact's consent summary from its ledger, written; ``consent_changed`` published (when an outbox is
    given) in the same transaction."""
    express, until = repository.refresh_consent_summary(session, org_id=org_id, contact_id=contact_id)
    if outbox is not None:
        state = "express" if express else "none" if until is None else "implied" if until > at else "expired"
        outbox.add(session, events.CONSENT_CHANGED, events.consent_changed(
            org_id=org_id, contact_id=contact_id, actor_id=actor_id, state=state, express=express,
            implied_until=until))


def ledger(session, *, contacts, actor, contact_id, at=None):
    """The contact's consents (newest first) and its state now, with its address's subscription and suppression."""
    contact = confirm_contact(session, contacts=contacts, actor=actor, contact_id=contact_id)
    at = at or now()
    rows = repository.consents_of(session, org_id=actor["org_id"], contact_id=contact_id)
    implied = [r["expires_at"] for r in rows if r["kind"] == "implied" and r["withdrawn_at"] is None
               and r["expires_at"] is not None]
    email = contact.get("email")
    return {"contact_id": contact_id, "state": consent_state(rows, at),
            "implied_until": iso(max(implied)) if implied else None, "email": email,
            "subscribed": contact.get("subscribed"),
            "suppressed": bool(email) and repository.is_suppressed(session, org_id=actor["org_id"], email=email),
            "consents": [consent_read(r, at) for r in rows]}


def record_consent(session, *, contacts, actor, contact_id, data, at=None, outbox=None):
    """Record a consent the contact gave (the caller must see the contact): the consent read."""
    confirm_contact(session, contacts=contacts, actor=actor, contact_id=contact_id)
    at = at or now()
    given_at = data.get("given_at") or at
    if given_at > at:
        raise InvalidInput("consent_in_future", errors={"given_at": ["consent_in_future"]})
    kind = data["kind"]
    basis = data.get("basis")
    expires_at = consent_expiry(kind=kind, basis=basis, given_at=given_at, expires_at=data.get("expires_at"))
    if expires_at is not None and expires_at <= given_at:
        raise InvalidInput("consent_expiry_before", errors={"expires_at": ["consent_expiry_before"]})
    row = repository.add_consent(session, {
        "id": uuid.uuid4().hex, "org_id": actor["org_id"], "contact_id": contact_id, "kind": kind, "basis": basis,
        "source": data.get("source") or "manual", "given_at": given_at, "proof": data.get("proof") or "",
        "recorded_by": actor["user_id"], "expires_at": expires_at})
    _summary_changed(session, outbox=outbox, org_id=actor["org_id"], contact_id=contact_id,
                     actor_id=actor["user_id"], at=at)
    return consent_read(row, at)


def withdraw_consent(session, *, contacts, actor, contact_id, consent_id, at=None, outbox=None):
    """Withdraw a consent (the contact said so, or it was recorded by mistake): 404 unknown, 409 already withdrawn."""
    confirm_contact(session, contacts=contacts, actor=actor, contact_id=contact_id)
    at = at or now()
    row = repository.withdraw_consent(session, org_id=actor["org_id"], contact_id=contact_id, consent_id=consent_id,
                                      at=at, by=actor["user_id"])
    if row is None:
        if repository.consent_exists(session, org_id=actor["org_id"], contact_id=contact_id, consent_id=consent_id):
            raise Conflict("consent_withdrawn")
        raise NotFound()
    _summary_changed(session, outbox=outbox, org_id=actor["org_id"], contact_id=contact_id,
                     actor_id=actor["user_id"], at=at)
    return consent_read(row, at)


def purchase_consent(session, *, data, occurred_at, outbox=None):
    """An opportunity won (``opportunity_created``/``updated`` at 100 %) naming a contact is a purchase: an implied
    consent (basis purchase, source purchase) for 2 years from its close date (else when the event occurred),
    recorded once per opportunity."""
    opportunity = data.get("opportunity") or {}
    contact_id = opportunity.get("contact_id")
    if opportunity.get("probability") != WON or not contact_id:
        return None
    at = timestamp(occurred_at) or now()
    close_date = opportunity.get("close_date")
    given_at = at
    if isinstance(close_date, str):
        try:
            given_at = min(datetime.fromisoformat(close_date).replace(tzinfo=timezone.utc), at)
        except ValueError:
            given_at = at
    row = repository.add_consent(session, {
        "id": uuid.uuid4().hex, "org_id": data["org_id"], "contact_id": contact_id, "kind": "implied",
        "basis": "purchase", "source": "purchase", "given_at": given_at,
        "proof": f"opportunity {opportunity.get('id')}", "recorded_by": None,
        "expires_at": consent_expiry(kind="implied", basis="purchase", given_at=given_at),
        "opportunity_id": opportunity.get("id")})
    if row is not None:
        _summary_changed(session, outbox=outbox, org_id=data["org_id"], contact_id=contact_id, actor_id=None,
                         at=now())
    return row


# Consent given on a form (F-3, F-4) -------------------------------------------------------------------------------
# The forms service says what the visitor gave (``forms.submission_applied``'s ``consent``): the ticked box without
# double opt-in is express; otherwise an inquiry, implied for 6 months (E-11, CASL s. 10(10)) — "pending", a double
# opt-in not confirmed yet, is that inquiry too. The confirmation link followed (``forms.consent_confirmed``) is
# express (source ``double_opt_in``). Each is recorded once per submission: its id derives from the submission's
# (``form_consent_id``).
FORM_CONSENT = uuid.UUID("6f1d3c1e-5b0a-4d55-9a57-0c2f6d0b7a41")  # the namespace of form consents' ids


def form_consent_id(submission_id, step):
    """The consent's id for ``step`` (``given``, ``confirmed``) of a submission: the same at every redelivery."""
    return uuid.uuid5(FORM_CONSENT, f"{step}:{submission_id}").hex


def form_proof(data):
    """What proves it (E-11): the form, its version, the page, the text shown, the address it came from."""
    return json.dumps({key: data.get(key) for key in ("form_id", "version", "page_url", "text", "ip")
                       if data.get(key) is not None}, ensure_ascii=False, sort_keys=True)


def _form_consent(session, *, org_id, contact_id, consent_id, kind, source, given_at, proof, outbox):
    given_at = min(given_at, now())
    basis = None if kind == "express" else "inquiry"
    row = repository.add_consent_once(session, {
        "id": consent_id, "org_id": org_id, "contact_id": contact_id, "kind": kind, "basis": basis,
        "source": source, "given_at": given_at, "proof": proof, "recorded_by": None,
        "expires_at": consent_expiry(kind=kind, basis=basis, given_at=given_at)})
    if row is not None:
        _summary_changed(session, outbox=outbox, org_id=org_id, contact_id=contact_id, actor_id=None, at=now())
    return row


def submission_consent(session, *, data, occurred_at, outbox=None):
    """``forms.submission_applied``: the consent the submission carries (none: nothing), once per submission."""
    consent = data.get("consent")
    org_id, contact_id, submission_id = data.get("org_id"), data.get("contact_id"), data.get("submission_id")
    if not isinstance(consent, dict) or not all(isinstance(v, str) for v in (org_id, contact_id, submission_id)):
        return None
    kind = "express" if consent.get("kind") == "express" else "implied"
    return _form_consent(session, org_id=org_id, contact_id=contact_id,
                         consent_id=form_consent_id(submission_id, "given"), kind=kind, source="form",
                         given_at=timestamp(consent.get("at")) or timestamp(occurred_at) or now(),
                         proof=form_proof(consent), outbox=outbox)


def confirmed_consent(session, *, data, occurred_at, outbox=None):
    """``forms.consent_confirmed``: the double opt-in link followed, express consent, once per submission."""
    org_id, contact_id, submission_id = data.get("org_id"), data.get("contact_id"), data.get("submission_id")
    if not all(isinstance(v, str) for v in (org_id, contact_id, submission_id)):
        return None
    proof = {**(data.get("proof") or {}), "confirmed": True}
    return _form_consent(session, org_id=org_id, contact_id=contact_id,
                         consent_id=form_consent_id(submission_id, "confirmed"), kind="express",
                         source="double_opt_in",
                         given_at=timestamp(data.get("at")) or timestamp(occurred_at) or now(),
                         proof=json.dumps(proof, ensure_ascii=False, sort_keys=True), outbox=outbox)


# The suppression list -------------------------------------------------------------------------------------------

def may_manage_suppressions(actor):
    return bool(actor.get("is_admin"))


def suppression_read(row):
    return {"email": row["email"], "reason": row["reason"], "source": row["source"], "contact_id": row["contact_id"],
            "created_by": row["created_by"], "created_at": iso(row["created_at"]),
            "removable": row["reason"] == "manual"}


def list_suppressions(session, *, actor, page, per_page, q=None):
    rows = repository.suppressions_page(session, org_id=actor["org_id"], limit=per_page + 1,
                                        offset=(page - 1) * per_page, search=q)
    return {"items": [suppression_read(r) for r in rows[:per_page]], "page": page, "per_page": per_page,
            "has_more": len(rows) > per_page}


def add_suppression(session, *, actor, email):
    """A manual entry (idempotent: an address already suppressed keeps its entry and reason)."""
    repository.suppress(session, org_id=actor["org_id"], email=email, reason="manual", source="manual",
                        created_by=actor["user_id"])
    return suppression_read(repository.suppression(session, org_id=actor["org_id"], email=email))


def remove_suppression(session, *, actor, email):
    """Only a manual entry may be removed (an unsubscribe, a bounce or a complaint stays: CASL s. 11(3), the
    withdrawal of consent is the recipient's, not the sender's, to undo): 404 unknown, 409 otherwise."""
    row = repository.suppression(session, org_id=actor["org_id"], email=email)
    if row is None:
        raise NotFound()
    if row["reason"] != "manual":
        raise Conflict("suppression_not_removable", params={"reason": row["reason"]})
    repository.unsuppress(session, org_id=actor["org_id"], email=email)
