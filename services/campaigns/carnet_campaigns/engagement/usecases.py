"""Use cases of what recipients did (E-7, E-9): keyword-only functions over a session; collaborators passed in.

Unsubscribe (E-7): ``unsubscribe`` takes effect in ONE transaction: the recipient's ``unsubscribed_at``, the address
on the organization's suppression list (the audience area; the sender checks it right before each SMTP transaction,
so no message leaves after this commit), a ``recipient_events`` row (the proof: when and how) and the outbox event
``contact_unsubscribed`` (contacts then sets the contact's ``subscribed`` to false). Idempotent: a second call
changes nothing. No actor: the caller (the gateway) checked the link's signature, which is the recipient's proof.

Tracking (E-9): the gateway queues hits in Redis; ``record_hits`` writes a drained batch (``recipient_events``, bots
flagged by bots.py) and adds the people's hits to the recipients' counters, in one transaction.
"""
import logging
import time
from datetime import datetime, timezone

from carnet_campaigns.audience import repository as audience
from carnet_campaigns.audience import usecases as audience_usecases
from carnet_campaigns.engagement import bots, events, repository
from carnet_common.errors import InvalidInput, NotFound
from carnet_contracts import engagement as contracts
from carnet_contracts.engagement import UNSUBSCRIBE_SOURCES

log = logging.getLogger(__name__)


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _epoch(value):
    return value.timestamp() if isinstance(value, datetime) else None


def _at(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc)


def mask_email(email):
    """``j•••@example.com``: the page shows which address it is about without spelling it out to whoever the message
    was forwarded to."""
    local, at, domain = (email or "").rpartition("@")
    if not at:
        return "•••"
    return f"{local[:1]}•••@{domain}"


# Unsubscribes (E-7) ------------------------------------------------------------------------------------------------

def unsubscribe_target(session, *, recipient_id):
    """What the public page shows: the organization (the gateway reads its public profile), the masked address, the
    recipient's language, whether it is already unsubscribed. NotFound for an unknown recipient."""
    row = repository.recipient(session, recipient_id)
    if row is None:
        raise NotFound()
    return {"recipient_id": row["id"], "org_id": row["org_id"], "email_masked": mask_email(row["email"]),
            "language": row["language"] if row["language"] in ("fr", "en") else "fr",
            "unsubscribed_at": _iso(row["unsubscribed_at"])}


def unsubscribe(session, *, outbox, recipient_id, source, now):
    if source not in UNSUBSCRIBE_SOURCES:
        raise InvalidInput(errors={"source": ["invalid_choice"]})
    row = repository.recipient(session, recipient_id, for_update=True)
    if row is None:
        raise NotFound()
    if row["unsubscribed_at"] is not None:
        return {"recipient_id": row["id"], "unsubscribed_at": _iso(row["unsubscribed_at"]), "changed": False}
    repository.mark_unsubscribed(session, row["id"], now)
    repository.add_events(session, [{"org_id": row["org_id"], "campaign_id": row["campaign_id"],
                                     "recipient_id": row["id"], "kind": "unsubscribe", "at": now,
                                     "method": source}])
    audience.suppress(session, org_id=row["org_id"], email=row["email"], reason="unsubscribe", source=source,
                      contact_id=row["contact_id"])
    outbox.add(session, events.CONTACT_UNSUBSCRIBED,
               events.contact_unsubscribed_payload(row, at=now, source=source))
    return {"recipient_id": row["id"], "unsubscribed_at": _iso(now), "changed": True}


# Tracking (E-9) ----------------------------------------------------------------------------------------------------

def record_hits(session, *, hits):
    """Write decoded hits (``carnet_contracts.engagement.decode_hit``); hits of unknown recipients are dropped.
    Returns how many were written."""
    known = repository.sent_recipients(session, sorted({hit["r"] for hit in hits}))
    rows = []
    for hit in hits:
        target = known.get(hit["r"])
        if target is None:
            continue
        reason = bots.classify(kind=hit["k"], method=hit["m"], user_agent=hit.get("ua"), at=hit["at"],
                               sent_at=_epoch(target["sent_at"]))
        rows.append({"org_id": target["org_id"], "campaign_id": target["campaign_id"], "recipient_id": hit["r"],
                     "kind": hit["k"], "at": _at(hit["at"]), "url": hit.get("u") if hit["k"] == "click" else None,
                     "bot_reason": reason, "method": hit["m"][:10], "user_agent": hit.get("ua") or "",
                     "network": hit.get("ip") or ""})
    repository.add_events(session, rows)
    counts = bots.counters(rows)
    repository.add_counts(session, [
        {"recipient_id": recipient_id, "opens": c["open_count"], "clicks": c["click_count"],
         "first_open": c["first_open"], "first_click": c["first_click"],
         "implied": 1 if c["open_count"] == 0 and c["click_count"] > 0 else 0}
        for recipient_id, c in sorted(counts.items())])
    return len(rows)


# Reports -----------------------------------------------------------------------------------------------------------

def _rate(part, whole):
    return round(part / whole, 4) if whole else 0.0


def campaign_report(session, *, actor, campaign_id):
    """Totals over the recipients whose contact the caller sees now ("never more than the record's own GET"); a
    campaign of another organization is NotFound."""
    found = repository.campaign(session, org_id=actor["org_id"], campaign_id=campaign_id)
    if found is None:
        raise NotFound()
    totals = repository.report_totals(session, actor=actor, campaign_id=campaign_id)
    delivered = totals["sent"]
    return {"campaign_id": found["id"], "kind": found["kind"], "name": found["name"], "status": found["status"],
            "subject": found["subject"], "started_at": _iso(found["started_at"]),
            "finished_at": _iso(found["finished_at"]), "totals": totals,
            "rates": {"open_rate": _rate(totals["opened"], delivered),
                      "click_rate": _rate(totals["clicked"], delivered),
                      "click_to_open_rate": _rate(totals["clicked"], totals["opened"]),
                      "unsubscribe_rate": _rate(totals["unsubscribed"], delivered),
                      "bounce_rate": _rate(totals["bounced"], totals["sent"] + totals["failed"])}}


def _page(query):
    per_page = query.get("per_page", 50)
    page = query.get("page", 1)
    return page, per_page, (page - 1) * per_page


def campaign_recipients(session, *, actor, campaign_id, query):
    if repository.campaign(session, org_id=actor["org_id"], campaign_id=campaign_id) is None:
        raise NotFound()
    page, per_page, offset = _page(query)
    rows, total = repository.recipients_page(session, actor=actor, campaign_id=campaign_id,
                                             state=query.get("state"), limit=per_page, offset=offset)
    return {"items": [{key: _iso(value) for key, value in row.items()} for row in rows], "total": total,
            "page": page, "per_page": per_page}


def contact_emails(session, *, contacts, actor, contact_id, query):
    """The e-mails sent to a contact the caller sees (audience.confirm_contact: a miss is asked of contacts before a
    404), each with its opened and clicked state."""
    audience_usecases.confirm_contact(session, contacts=contacts, actor=actor, contact_id=contact_id)
    page, per_page, offset = _page(query)
    rows, total = repository.contact_emails(session, org_id=actor["org_id"], contact_id=contact_id, limit=per_page,
                                            offset=offset)
    items = [{**{key: _iso(value) for key, value in row.items()}, "opened": row["opened_at"] is not None,
              "clicked": row["clicked_at"] is not None} for row in rows]
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def drain_hits(session, *, redis, key, batch, budget, clock=time.monotonic):
    """The hits the gateway queued on ``key`` (carnet_contracts.engagement) recorded, ``batch`` per transaction, for
    up to ``budget`` seconds. A batch whose transaction fails goes back to the head of the list (retried at the next
    tick); several replicas drain the same list safely (LPOP is atomic)."""
    started = clock()
    while clock() - started < budget:
        raw = redis.lpop(key, batch)
        if not raw:
            return
        hits = [hit for hit in map(contracts.decode_hit, raw) if hit is not None]
        try:
            with session.begin():
                record_hits(session, hits=hits)
        except Exception:
            redis.lpush(key, *reversed(raw))
            log.exception("tracking hits pushed back after a failed batch")
            return
        if len(raw) < batch:
            return
