"""The background sender (E-10): what one tick of ``SendingEntrypoints.send_due`` does.

Design (docs: /work/notes/docs-sending.md, rule E-10):
- ``settings.concurrency`` senders run in the tick, each with ONE SMTP connection kept for all its batches and its
  own database connection in autocommit (every state it writes is durable when the statement returns).
- A sender claims a batch (``FOR UPDATE SKIP LOCKED``: replicas and senders never share a row), state 'sending'
  under its lease, committed before any SMTP. Then, per recipient: the org's rate token (Redis bucket, shared by
  all replicas); the message composed (pure; a CR/LF or malformed address → 'failed' ``invalid_address``, never
  sent); the suppression list checked (an unsubscribe committed before that moment → 'suppressed', nothing sent);
  MAIL and RCPT; then ``start_attempt``, committed durably (``in_flight_at``, attempts + 1), refused when the
  campaign is no longer 'sending' or the claim was lost (pause and cancel take effect before the next message:
  RSET, the rest of the batch given back); then DATA and the message; its outcome committed at once.
- Outcomes: 2xx → sent (with the relay's answer); 4xx or no connection → retry after ``settings.backoff`` (failed
  after ``max_attempts``); 5xx → failed, and a 5xx at RCPT is a hard bounce: bounced_at + suppression (reason
  bounce) + event; a connection lost after DATA began → in doubt (below).
- Never twice: message content reaches the relay only from the sender holding the row's claim, after
  ``in_flight_at`` was committed. A crash leaves the claimed rows 'sending'; when their lease expires, rows without
  ``in_flight_at`` go back to the queue (nothing of theirs reached the relay), and the rows with it — at most one
  per sender of the dead process, caught between DATA and the commit of the answer — are in doubt: failed with
  ``in_doubt`` (default: at most once), or resent with the same Message-ID (``CAMPAIGNS_IN_DOUBT=resend``, for a
  relay that drops a Message-ID it already has). The outcome commits without waiting for the WAL flush: a database
  crash that loses one leaves its row in flight, so in doubt as well, never sent again.
"""
import logging
import os
import socket
import time
import uuid
from datetime import datetime, timezone

from carnet_campaigns.content import render as content_render
from carnet_campaigns.sending import compose, repository, smtp
from carnet_common.db import autocommit_connection, background_transaction

log = logging.getLogger(__name__)


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Collaborators:
    """What the sender asks of other areas: ``is_suppressed(session, *, org_id, email)``, ``suppress(session, *,
    org_id, email, reason, source, contact_id)`` (audience) and ``signing_key(session, *, org_id, domain)`` →
    ``(selector, pem)`` or None (domains)."""

    def __init__(self, *, is_suppressed, suppress, signing_key):
        self.is_suppressed, self.suppress, self.signing_key = is_suppressed, suppress, signing_key


class TokenBucket:
    """Messages per second per organization over Redis, shared by every replica. ``take(org_id, want)`` takes up to
    ``want`` tokens at once (a sender asks for a few of its batch's messages in one round trip): ``(granted, wait)``,
    ``wait`` the seconds until one is due when none was granted. ``<prefix>campaigns:rate:<org_id>``, when set, is
    that organization's own rate (an installation operator's choice; its bucket then holds one second of it)."""

    SCRIPT = """
local rate = tonumber(redis.call('GET', KEYS[2]) or ARGV[1])
local burst = math.max(1, tonumber(ARGV[2]))
if redis.call('EXISTS', KEYS[2]) == 1 then burst = math.max(1, rate) end
local want = math.max(1, tonumber(ARGV[3]))
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local granted = math.min(want, math.floor(tokens))
local wait = 0
if granted >= 1 then tokens = tokens - granted else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], 600)
return {granted, tostring(wait)}
"""

    def __init__(self, redis, *, rate, burst, prefix):
        self.redis, self.rate, self.burst, self.prefix = redis, rate, burst, prefix
        self.script = redis.register_script(self.SCRIPT)

    def take(self, org_id, want=1):
        if self.rate <= 0:
            return want, 0.0
        keys = [f"{self.prefix}campaigns:bucket:{org_id}", f"{self.prefix}campaigns:rate:{org_id}"]
        granted, wait = self.script(keys=keys, args=[self.rate, self.burst, want])
        return int(granted), float(wait)


TOKENS_AT_ONCE = 8  # tokens a sender takes in one round trip (unused ones lapse with the tick)


def send_tick(*, engine, settings, collaborators, bucket, outbox, sleep, spawn_all, clock=time.monotonic,
              recover=True):
    """One tick: settle expired claims (``recover``), then, when anything is due, ``settings.concurrency`` senders
    until there is no work or the tick's time is up. Returns ``{outcome: count}`` (empty: nothing happened)."""
    with autocommit_connection(engine) as connection:
        recovered = repository.recover_expired(connection, resend_in_doubt=settings.in_doubt == "resend") \
            if recover else {}
        due = repository.has_due(connection)
    totals = {f"recovered_{state}": count for state, count in recovered.items()}
    if recovered:
        log.warning("sender: expired claims settled %s", recovered)
    if not due:  # an idle tick: two statements at most, no sender started
        return totals
    deadline = clock() + settings.tick_seconds
    keys = {}
    results = spawn_all([lambda: Sender(engine=engine, settings=settings, collaborators=collaborators,
                                        bucket=bucket, outbox=outbox, sleep=sleep, clock=clock, keys=keys)
                         .run(deadline)
                         for _ in range(settings.concurrency)])
    for result in results:
        for key, count in result.items():
            totals[key] = totals.get(key, 0) + count
    return totals


class Sender:
    """One sender of a tick: its worker name (the claims' owner), its SMTP connection, its autocommit session."""

    def __init__(self, *, engine, settings, collaborators, bucket, outbox, sleep, clock, keys):
        self.engine, self.settings, self.collaborators = engine, settings, collaborators
        self.bucket, self.outbox, self.sleep, self.clock, self.keys = bucket, outbox, sleep, clock, keys
        self.session, self.outcomes = repository.sender_connections(engine)  # durable claims, fast outcomes
        self.worker, self.relay = worker_name(), smtp.Relay(settings)
        self.counts, self.campaigns, self.stopped, self.tokens = {}, {}, set(), {}

    def run(self, deadline):
        try:
            while self.clock() < deadline:
                batch = repository.claim(self.session, worker=self.worker, batch=self.settings.batch,
                                         lease_seconds=self.settings.lease_seconds)
                if not batch:
                    break
                self._load_campaigns(batch)
                renewed = self.clock()
                for recipient in batch:
                    if self.clock() >= deadline:
                        break
                    if recipient["campaign_id"] in self.stopped:
                        continue
                    if self.clock() - renewed > self.settings.lease_seconds / 3:
                        repository.renew(self.session, worker=self.worker, lease_seconds=self.settings.lease_seconds)
                        renewed = self.clock()
                    self._count(self.send_one(recipient, deadline))
                # what the deadline, a pause or a cancel left claimed goes back (or is cancelled)
                repository.release(self.session, worker=self.worker)
                self.stopped.clear()
        finally:
            try:
                repository.release(self.session, worker=self.worker)
            finally:
                self.relay.close()
                self.session.close()
                self.outcomes.close()
        return self.counts

    def _count(self, outcome):
        if outcome:
            self.counts[outcome] = self.counts.get(outcome, 0) + 1

    def _load_campaigns(self, batch):
        missing = {r["campaign_id"] for r in batch} - set(self.campaigns)
        if missing:
            for campaign_id, campaign in repository.campaigns_by_id(self.session, missing).items():
                if campaign["html"] and not (campaign["text"] or "").strip():
                    # the text part made from the HTML once, its merge fields rendered per recipient (made from
                    # each recipient's HTML, it was a third of a message's CPU)
                    campaign["text"] = content_render.text_from_html(content_render.sanitize(campaign["html"]))
                self.campaigns[campaign_id] = campaign

    def _signing(self, campaign):
        domain = compose.domain_of(campaign["from_email"] or "")
        key = (campaign["org_id"], domain)
        if key not in self.keys:
            try:
                self.keys[key] = self.collaborators.signing_key(self.session, org_id=campaign["org_id"], domain=domain)
            except Exception:  # noqa: BLE001 - no usable key (unknown domain, …): unsigned, as for a user's own address
                log.exception("sender: no signing key for %s", domain)
                self.keys[key] = None
        return self.keys[key]

    def send_one(self, recipient, deadline):
        """One recipient's attempt; the outcome's name, or None when it was given back (paused, cancelled, time)."""
        campaign = self.campaigns.get(recipient["campaign_id"])
        recipient_id = recipient["id"]
        org_id = recipient["org_id"]
        while self.tokens.get(org_id, 0) < 1:
            granted, wait = self.bucket.take(org_id, TOKENS_AT_ONCE)
            if granted:
                self.tokens[org_id] = granted
            elif self.clock() + wait >= deadline:
                return None  # given back at the end of the batch, sent by a later tick
            else:
                self.sleep(wait)
        self.tokens[org_id] -= 1
        try:
            message = compose.compose(campaign=campaign, recipient=recipient, base_url=self.settings.public_base_url,
                                      signing=self._signing(campaign))
            sender_address = compose.check_address(campaign["from_email"])
            to_address = compose.check_address(recipient["email"])
        except compose.Refused as exc:
            repository.mark_failed(self.outcomes, recipient_id=recipient_id, worker=self.worker, error=exc.code)
            return "invalid"
        except Exception as exc:  # noqa: BLE001 - a message that cannot be built fails alone, never loops the batch
            log.exception("sender: the message of recipient %s could not be composed", recipient_id)
            repository.mark_failed(self.outcomes, recipient_id=recipient_id, worker=self.worker,
                                   error=f"compose_error: {type(exc).__name__}")
            return "failed"
        if self.collaborators.is_suppressed(self.session, org_id=recipient["org_id"], email=recipient["email"]):
            repository.mark_suppressed(self.outcomes, recipient_id=recipient_id, worker=self.worker)
            return "suppressed"
        envelope = self.relay.envelope(sender=sender_address, recipient=to_address)
        if envelope.kind != "ok":  # nothing handed over: this attempt is counted with its outcome
            return self.record(recipient, recipient["attempts"] + 1, envelope, counted=False)
        attempt = repository.start_attempt(self.session, recipient_id=recipient_id, worker=self.worker,
                                           lease_seconds=self.settings.lease_seconds)
        if attempt is None:  # paused, cancelled, or our claim lost: nothing more of this campaign in this batch
            self.relay.reset()
            self.stopped.add(recipient["campaign_id"])
            repository.release(self.session, worker=self.worker, campaign_id=recipient["campaign_id"])
            return None
        return self.record(recipient, attempt, self.relay.data(message), counted=True)

    def record(self, recipient, attempt, outcome, *, counted):
        """Commit ``outcome`` of the ``attempt``-th attempt (``counted``: ``start_attempt`` counted it already)."""
        recipient_id, mine = recipient["id"], {"worker": self.worker, "count_attempt": not counted}
        if outcome.kind == "sent":
            repository.mark_sent(self.outcomes, recipient_id=recipient_id, answer=f"{outcome.code} {outcome.text}")
            return "sent"
        if outcome.kind == "temporary":
            if attempt >= self.settings.max_attempts:
                repository.mark_failed(self.outcomes, recipient_id=recipient_id, error=outcome.error, **mine)
                return "failed"
            repository.mark_retry(self.outcomes, recipient_id=recipient_id, error=outcome.error,
                                  delay_seconds=self.settings.backoff(attempt), **mine)
            return "retry"
        if outcome.kind == "in_doubt":
            if self.settings.in_doubt == "resend":
                repository.mark_retry(self.outcomes, recipient_id=recipient_id, error="in_doubt: " + outcome.error,
                                      delay_seconds=self.settings.backoff(attempt), **mine)
                return "retry"
            repository.mark_failed(self.outcomes, recipient_id=recipient_id, error="in_doubt: " + outcome.error,
                                   in_doubt=True, **mine)
            return "in_doubt"
        if outcome.phase == "rcpt":
            self.bounce(recipient, outcome, **mine)
            return "bounced"
        repository.mark_failed(self.outcomes, recipient_id=recipient_id, error=outcome.error, **mine)
        return "failed"

    def bounce(self, recipient, outcome, *, worker, count_attempt):
        """A hard bounce: the row failed and bounced, the address suppressed, the event: one transaction."""
        with background_transaction(self.engine) as session:
            repository.mark_failed(session, recipient_id=recipient["id"], worker=worker, error=outcome.error,
                                   bounced=True, count_attempt=count_attempt)
            self.collaborators.suppress(session, org_id=recipient["org_id"], email=recipient["email"],
                                        reason="bounce", source="smtp", contact_id=recipient.get("contact_id"))
            if self.outbox is not None:
                from carnet_campaigns.sending import events
                self.outbox.add(session, events.RECIPIENT_BOUNCED, events.recipient_bounced(
                    recipient, code=outcome.code, at=datetime.now(timezone.utc)))


def finish_campaigns(session, *, outbox):
    """Campaigns with nothing left to send → 'sent' and ``campaign_finished`` (in the caller's transaction)."""
    from carnet_campaigns.sending import events

    finished = repository.finish_campaigns(session)
    for row in finished:
        outbox.add(session, events.CAMPAIGN_FINISHED, events.campaign_finished(row))
    return [row["id"] for row in finished]
