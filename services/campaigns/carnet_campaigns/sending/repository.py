"""The sender's SQL (E-10): the only code of the sending area that builds statements.

Every function takes a session (or connection); the sender's own statements run one by one in autocommit (each is
its own transaction: the state it writes is durable when the function returns), the bounce's two writes in one
transaction of the caller's.

A recipient's states: queued → sending (claimed: ``claimed_by``, ``claimed_until``) → sent | retry (→ sending) |
failed | suppressed | cancelled. Within 'sending', ``in_flight_at`` is set right before the SMTP transaction
(``start_attempt``) and cleared with its outcome: a row whose lease expired with ``in_flight_at`` set is in doubt.
"""
import sqlalchemy as sa

from carnet_campaigns import models  # noqa: F401 - first: the area tables import each other through it
from carnet_campaigns.campaigns.tables import campaigns
from carnet_campaigns.sending.tables import recipients

PENDING = ("queued", "retry", "sending")
_CLAIMED = ("id", "org_id", "campaign_id", "contact_id", "email", "language", "merge", "message_id", "attempts")
_CAMPAIGN = ("id", "org_id", "kind", "status", "subject", "html", "text", "from_name", "from_email", "reply_to")


def _interval(seconds):
    return sa.func.make_interval(0, 0, 0, 0, 0, 0, sa.cast(seconds, sa.Float))


def recover_expired(session, *, resend_in_doubt):
    """Settle the rows whose claim outlived its sender (a crash): never handed to SMTP → back to queued/retry (or
    cancelled with their campaign); handed to SMTP (``in_flight_at``) → in doubt: failed ``in_doubt`` (at most once),
    or, ``resend_in_doubt``, retried at once (the relay drops a Message-ID it has). Returns ``{state: count}``."""
    r, c = recipients, campaigns
    doubtful = r.c.in_flight_at.isnot(None)
    if resend_in_doubt:
        new_state = sa.case((c.c.status == "cancelled", "cancelled"), (r.c.attempts > 0, "retry"), else_="queued")
    else:
        new_state = sa.case((doubtful, "failed"), (c.c.status == "cancelled", "cancelled"),
                            (r.c.attempts > 0, "retry"), else_="queued")
    statement = (
        r.update()
        .where(r.c.state == "sending", r.c.claimed_until < sa.func.now(), c.c.id == r.c.campaign_id)
        .values(state=new_state, claimed_by=None, claimed_until=None, in_flight_at=None,
                next_attempt_at=sa.case((r.c.attempts > 0, sa.func.now()), else_=r.c.next_attempt_at),
                in_doubt=r.c.in_doubt | doubtful,
                last_error=sa.case((doubtful, "in_doubt"), else_=r.c.last_error))
        .returning(r.c.state)
    )
    counts = {}
    for (state,) in session.execute(statement):
        counts[state] = counts.get(state, 0) + 1
    return counts


def _due(r, c):
    return sa.select(r.c.id).join(c, c.c.id == r.c.campaign_id).where(
        c.c.status == "sending",
        sa.or_(r.c.state == "queued", sa.and_(r.c.state == "retry", r.c.next_attempt_at <= sa.func.now())))


_HAS_DUE = sa.select(_due(recipients, campaigns).limit(1).exists())


def has_due(session):
    """Whether any recipient of a campaign being sent is due (an idle tick stops here)."""
    return bool(session.execute(_HAS_DUE).scalar())


def sender_connections(engine):
    """A sender's two autocommit connections (Core: an ORM session's bookkeeping was a tenth of a message's CPU):
    the first commits durably (claims, and ``in_flight_at`` before DATA: never twice rests on it); the second commits
    without waiting for the WAL flush (``synchronous_commit`` off): an outcome a database crash loses leaves its row
    in flight, i.e. in doubt, never sent again."""
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    durable, outcomes = autocommit.connect(), autocommit.connect()
    durable.execute(sa.text("SET synchronous_commit = on"))
    outcomes.execute(sa.text("SET synchronous_commit = off"))
    return durable, outcomes


def claim(session, *, worker, batch, lease_seconds):
    """Up to ``batch`` due recipients of campaigns being sent, now 'sending' under ``worker``'s lease (committed
    before the caller talks SMTP: autocommit)."""
    r, c = recipients, campaigns
    due = (
        _due(r, c)
        .limit(batch)
        .with_for_update(of=r, skip_locked=True)
        .cte("due")
    )
    statement = (
        r.update()
        .where(r.c.id == due.c.id)
        .values(state="sending", claimed_by=worker,
                claimed_until=sa.func.now() + _interval(lease_seconds), in_flight_at=None)
        .returning(*[r.c[name] for name in _CLAIMED])
    )
    return [dict(row._mapping) for row in session.execute(statement)]


def campaigns_by_id(session, campaign_ids):
    c = campaigns
    rows = session.execute(sa.select(*[c.c[name] for name in _CAMPAIGN]).where(c.c.id.in_(list(campaign_ids))))
    return {row.id: dict(row._mapping) for row in rows}


def _prepared():
    """The statements of the per-message path, built once (building a statement cost more CPU than running it)."""
    r, c = recipients, campaigns
    lease = sa.func.now() + _interval(sa.bindparam("p_lease"))
    unclaimed = {"claimed_by": None, "claimed_until": None, "in_flight_at": None}
    by_id = r.update().where(r.c.id == sa.bindparam("p_id"))
    # an outcome other than 'sent' is written only by the sender still holding the row (a lost claim is another's)
    held = by_id.where(r.c.claimed_by == sa.bindparam("p_worker"), r.c.state == "sending")
    counted = r.c.attempts + sa.bindparam("p_count", type_=sa.Integer)  # a failure before DATA counts here
    return {
        "renew": r.update().where(r.c.claimed_by == sa.bindparam("p_worker"), r.c.state == "sending")
        .values(claimed_until=lease),
        "start": r.update().where(r.c.id == sa.bindparam("p_id"), r.c.claimed_by == sa.bindparam("p_worker"),
                                  r.c.state == "sending", c.c.id == r.c.campaign_id, c.c.status == "sending")
        .values(in_flight_at=sa.func.now(), attempts=r.c.attempts + 1, claimed_until=lease)
        .returning(r.c.attempts),
        "sent": by_id.values(state="sent", sent_at=sa.func.now(), smtp_answer=sa.bindparam("p_answer"),
                             last_error=None, **unclaimed),
        "retry": held.values(state="retry", last_error=sa.bindparam("p_error"), attempts=counted,
                              next_attempt_at=sa.func.now() + _interval(sa.bindparam("p_delay")), **unclaimed),
        "failed": held.values(
            state="failed", last_error=sa.bindparam("p_error"), attempts=counted,
            bounced_at=sa.case((sa.bindparam("p_bounced", type_=sa.Boolean), sa.func.now()), else_=r.c.bounced_at),
            in_doubt=r.c.in_doubt | sa.bindparam("p_in_doubt", type_=sa.Boolean), **unclaimed),
        "suppressed": held.values(state="suppressed", last_error="suppressed", **unclaimed),
    }


_STATEMENTS = _prepared()


def renew(session, *, worker, lease_seconds):
    """Extend the lease of every row ``worker`` holds."""
    session.execute(_STATEMENTS["renew"], {"p_worker": worker, "p_lease": lease_seconds})


def start_attempt(session, *, recipient_id, worker, lease_seconds):
    """Mark the attempt begun (``in_flight_at``, attempts + 1) if ``worker`` still holds the row and its campaign is
    still being sent; the attempt's number, or None (paused, cancelled, or the claim lost)."""
    return session.execute(_STATEMENTS["start"], {"p_id": recipient_id, "p_worker": worker,
                                                  "p_lease": lease_seconds}).scalar()


def release(session, *, worker, campaign_id=None):
    """Give back the rows ``worker`` holds and has not handed to SMTP (of one campaign, or all): queued (retry when
    tried before), cancelled when their campaign was cancelled."""
    r, c = recipients, campaigns
    conditions = [r.c.claimed_by == worker, r.c.state == "sending", r.c.in_flight_at.is_(None),
                  c.c.id == r.c.campaign_id]
    if campaign_id is not None:
        conditions.append(r.c.campaign_id == campaign_id)
    statement = r.update().where(*conditions).values(
        state=sa.case((c.c.status == "cancelled", "cancelled"), (r.c.attempts > 0, "retry"), else_="queued"),
        next_attempt_at=sa.case((r.c.attempts > 0, sa.func.coalesce(r.c.next_attempt_at, sa.func.now())),
                                else_=r.c.next_attempt_at),
        claimed_by=None, claimed_until=None)
    return session.execute(statement).rowcount


def mark_sent(session, *, recipient_id, answer):
    """The relay accepted the message (its end-of-DATA answer): whatever else happened to the row meanwhile."""
    session.execute(_STATEMENTS["sent"], {"p_id": recipient_id, "p_answer": answer[:500]})


def mark_retry(session, *, recipient_id, worker, error, delay_seconds, count_attempt=False):
    """Due again in ``delay_seconds``; ``count_attempt``: the attempt failed before ``start_attempt`` counted it."""
    session.execute(_STATEMENTS["retry"], {"p_id": recipient_id, "p_worker": worker, "p_error": error[:500],
                                           "p_delay": delay_seconds, "p_count": int(count_attempt)})


def mark_failed(session, *, recipient_id, worker, error, bounced=False, in_doubt=False, count_attempt=False):
    session.execute(_STATEMENTS["failed"], {"p_id": recipient_id, "p_worker": worker, "p_error": error[:500],
                                            "p_bounced": bounced, "p_in_doubt": in_doubt,
                                            "p_count": int(count_attempt)})


def mark_suppressed(session, *, recipient_id, worker):
    session.execute(_STATEMENTS["suppressed"], {"p_id": recipient_id, "p_worker": worker})


def finish_campaigns(session):
    """Campaigns being sent of which no recipient is pending any more → 'sent' (finished_at); their rows with the
    counts of their recipients' states."""
    r, c = recipients, campaigns
    pending = sa.select(r.c.id).where(r.c.campaign_id == c.c.id, r.c.state.in_(PENDING)).exists()
    finished = session.execute(
        c.update().where(c.c.status == "sending", ~pending)
        .values(status="sent", finished_at=sa.func.now(), updated_at=sa.func.now(), version=c.c.version + 1)
        .returning(c.c.id, c.c.org_id, c.c.kind, c.c.contact_id, c.c.finished_at)).all()
    if not finished:
        return []
    ids = [row.id for row in finished]
    counts = {}
    for campaign_id, state, count in session.execute(
            sa.select(r.c.campaign_id, r.c.state, sa.func.count()).where(r.c.campaign_id.in_(ids))
            .group_by(r.c.campaign_id, r.c.state)):
        counts.setdefault(campaign_id, {})[state] = count
    return [dict(row._mapping, counts=counts.get(row.id, {})) for row in finished]


def progress(session, *, campaign_id):
    """``{state: count}`` of a campaign's recipients (tests, bench)."""
    r = recipients
    rows = session.execute(sa.select(r.c.state, sa.func.count()).where(r.c.campaign_id == campaign_id)
                           .group_by(r.c.state))
    return {state: count for state, count in rows}

