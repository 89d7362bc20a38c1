"""The engagement area (E-7, E-9) on the running campaigns service: unsubscribe in one transaction (recipient,
suppression list, proof, outbox event) and idempotent; tracking hits queued in Redis drained into the events and
the counters (bots kept apart, a click implies an open); the report and the recipients as the caller sees contacts
now; a contact's e-mails. Campaigns and recipients are written straight into the tables (as the campaigns area's
send writes them), contacts straight into the audience's read model."""
import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import redis
import sqlalchemy as sa
from nameko.exceptions import RemoteError

from carnet_campaigns.audience.tables import contact_refs, suppressions
from carnet_campaigns.campaigns.tables import campaigns
from carnet_campaigns.engagement.tables import recipient_events
from carnet_campaigns.models import outbox
from carnet_campaigns.sending.tables import recipients
from carnet_contracts import engagement
from carnet_testing import eventually

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SENT_AT = datetime.now(timezone.utc) - timedelta(hours=1)


def uid(prefix="x"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def actor(org_id, user_id="u1", *, list_ids=("L1",), is_admin=False, **flags):
    return {"org_id": org_id, "user_id": user_id, "is_admin": is_admin, "language": "en",
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False, **flags},
            "subordinate_ids": [], "list_ids": list(list_ids)}


def sent_campaign(engine, org_id, people, *, kind="campaign"):
    """A sent campaign of ``org_id`` to ``people`` ({email, rep1_id, contact_id?}): contacts in the read model (list
    L1), one recipient each (state sent). Returns (campaign id, {email: recipient id})."""
    campaign_id = uid("c")
    ids = {}
    with engine.begin() as conn:
        conn.execute(campaigns.insert().values(id=campaign_id, org_id=org_id, kind=kind, name="Soldes", status="sent",
                                               subject="Soldes d'hiver", created_by="u1", started_at=SENT_AT))
        for person in people:
            contact_id = person.get("contact_id") or uid("k")
            if not person.get("contact_id"):
                conn.execute(contact_refs.insert().values(id=contact_id, org_id=org_id, email=person["email"],
                                                          language="fr", rep1_id=person.get("rep1_id", "u1"),
                                                          list_ids=["L1"], version=1))
            recipient_id = uuid.uuid4().hex
            ids[person["email"]] = recipient_id
            conn.execute(recipients.insert().values(
                id=recipient_id, org_id=org_id, campaign_id=campaign_id, contact_id=contact_id, email=person["email"],
                email_key=person["email"].lower(), language=person.get("language", "fr"), state="sent",
                message_id=f"<{recipient_id}@example.test>", sent_at=SENT_AT))
    return campaign_id, ids


def refused(call, *args):
    """The name of the error an RPC raised: nameko gives a ``RemoteError`` naming it, or the registered class itself
    once ``carnet_common.errors`` is imported in this process (another module of the run)."""
    with pytest.raises(Exception) as exc:  # noqa: PT011 - either kind, named below
        call(*args)
    return exc.value.exc_type if isinstance(exc.value, RemoteError) else type(exc.value).__name__


def row(engine, table, **where):
    with engine.connect() as conn:
        found = conn.execute(sa.select(table).where(*(table.c[k] == v for k, v in where.items()))).mappings().all()
    return [dict(r) for r in found]


@pytest.fixture(scope="module")
def hits(camp_env, camp_processes):
    """Queues hits as the gateway does (same key, same encoding)."""
    client = redis.Redis.from_url(camp_env["REDIS_URL"], decode_responses=True)
    key = camp_env["CARNET_REDIS_PREFIX"] + "campaigns:hits"
    assert key.endswith(engagement.hits_key().removeprefix(engagement.redis_keys.prefix()))

    def push(kind, recipient_id, *, agent=BROWSER, method="GET", at=None, url=None):
        client.rpush(key, engagement.encode_hit(kind, recipient_id, at=at or time.time(), method=method,
                                                user_agent=agent, address="198.51.100.7", url=url))
    yield push
    client.close()


# Unsubscribe (E-7) -------------------------------------------------------------------------------------------------

def test_unsubscribe_suppresses_records_and_publishes_once(camp_rpc, camp_engine):
    org_id = uid("o")
    _, ids = sent_campaign(camp_engine, org_id, [{"email": "Jeanne@Example.test"}])
    recipient_id = ids["Jeanne@Example.test"]
    target = camp_rpc.get_unsubscribe_target(recipient_id)
    assert target == {"recipient_id": recipient_id, "org_id": org_id, "email_masked": "J•••@Example.test",
                      "language": "fr", "unsubscribed_at": None}

    first = camp_rpc.unsubscribe(recipient_id, "one_click")
    assert first["changed"] is True
    again = camp_rpc.unsubscribe(recipient_id, "page")
    assert again == {**first, "changed": False}

    assert row(camp_engine, recipients, id=recipient_id)[0]["unsubscribed_at"] is not None
    suppressed = row(camp_engine, suppressions, org_id=org_id)
    assert [(s["email_key"], s["reason"], s["source"]) for s in suppressed] == [
        ("jeanne@example.test", "unsubscribe", "one_click")]
    proof = row(camp_engine, recipient_events, recipient_id=recipient_id)
    assert [(p["kind"], p["method"]) for p in proof] == [("unsubscribe", "one_click")]
    with camp_engine.connect() as conn:
        events = conn.execute(sa.select(outbox.c.envelope).where(outbox.c.event_type == "contact_unsubscribed",
                              outbox.c.envelope["data"]["recipient_id"].astext == recipient_id)).scalars().all()
    assert len(events) == 1
    data = events[0]["data"]
    assert {k: data[k] for k in ("org_id", "email", "recipient_id", "source")} == {
        "org_id": org_id, "email": "Jeanne@Example.test", "recipient_id": recipient_id, "source": "one_click"}
    assert data["contact_id"] == suppressed[0]["contact_id"]
    assert camp_rpc.get_unsubscribe_target(recipient_id)["unsubscribed_at"] is not None


def test_unknown_recipient_and_bad_source_change_nothing(camp_rpc, camp_engine):
    assert refused(camp_rpc.unsubscribe, uuid.uuid4().hex, "one_click") == "NotFound"
    assert refused(camp_rpc.get_unsubscribe_target, "x" * 500) == "NotFound"
    org_id = uid("o")
    _, ids = sent_campaign(camp_engine, org_id, [{"email": "a@example.test"}])
    assert refused(camp_rpc.unsubscribe, ids["a@example.test"], "scanner") == "InvalidInput"
    assert row(camp_engine, recipients, id=ids["a@example.test"])[0]["unsubscribed_at"] is None
    assert row(camp_engine, suppressions, org_id=org_id) == []


# Tracking (E-9) ----------------------------------------------------------------------------------------------------

def test_hits_are_drained_into_counters_bots_apart(camp_engine, hits):
    org_id = uid("o")
    _, ids = sent_campaign(camp_engine, org_id, [{"email": "a@x.test"}, {"email": "b@x.test"},
                                                 {"email": "c@x.test"}])
    a, b, c = ids["a@x.test"], ids["b@x.test"], ids["c@x.test"]
    hits("open", a)
    hits("open", a)
    hits("click", a, url="https://example.com/offre")
    hits("click", b, url="https://example.com/offre")  # no open seen: the click implies one
    hits("open", c, method="HEAD")
    hits("click", c, agent="Mozilla/5.0 (compatible; Mimecast Security Scanner)", url="https://example.com/offre")
    hits("open", uuid.uuid4().hex)  # a recipient that does not exist: dropped

    eventually(lambda: len(row(camp_engine, recipient_events, org_id=org_id)), lambda n: n == 6, timeout=10,
               what="the hits drained")
    by_id = {r["id"]: r for r in row(camp_engine, recipients, org_id=org_id)}
    assert (by_id[a]["open_count"], by_id[a]["click_count"]) == (2, 1)
    assert (by_id[b]["open_count"], by_id[b]["click_count"]) == (1, 1)
    assert by_id[b]["opened_at"] == by_id[b]["clicked_at"] is not None
    assert (by_id[c]["open_count"], by_id[c]["click_count"], by_id[c]["opened_at"]) == (0, 0, None)
    flagged = sorted(e["bot_reason"] for e in row(camp_engine, recipient_events, recipient_id=c))
    assert flagged == ["head", "scanner_agent"]
    clicks = row(camp_engine, recipient_events, recipient_id=b)
    assert [(e["kind"], e["url"], e["network"]) for e in clicks] == [
        ("click", "https://example.com/offre", "198.51.100.0/24")]


# Reports -----------------------------------------------------------------------------------------------------------

def test_report_counts_only_recipients_whose_contact_the_caller_sees(camp_rpc, camp_engine):
    org_id = uid("o")
    campaign_id, ids = sent_campaign(camp_engine, org_id, [
        {"email": "mine@x.test", "rep1_id": "rep"}, {"email": "theirs@x.test", "rep1_id": "other"}])
    with camp_engine.begin() as conn:
        conn.execute(recipients.update().where(recipients.c.id == ids["mine@x.test"])
                     .values(opened_at=SENT_AT, open_count=2))
        conn.execute(recipients.update().where(recipients.c.id == ids["theirs@x.test"])
                     .values(clicked_at=SENT_AT, click_count=1, opened_at=SENT_AT, open_count=1))
    admin = camp_rpc.get_campaign_report(actor(org_id, is_admin=True), campaign_id)
    assert {k: admin["totals"][k] for k in ("recipients", "sent", "opened", "clicked", "opens")} == {
        "recipients": 2, "sent": 2, "opened": 2, "clicked": 1, "opens": 3}
    assert admin["rates"]["open_rate"] == 1.0 and admin["rates"]["click_rate"] == 0.5

    rep = actor(org_id, "rep")  # rep-limited: sees only the contacts they represent
    mine = camp_rpc.get_campaign_report(rep, campaign_id)
    assert {k: mine["totals"][k] for k in ("recipients", "opened", "clicked")} == {
        "recipients": 1, "opened": 1, "clicked": 0}
    page = camp_rpc.list_campaign_recipients(rep, campaign_id, {})
    assert [r["email"] for r in page["items"]] == ["mine@x.test"] and page["total"] == 1
    assert camp_rpc.list_campaign_recipients(actor(org_id, "rep", list_ids=()), campaign_id, {})["total"] == 0

    stranger = actor(uid("o"), is_admin=True)  # another organization
    assert refused(camp_rpc.get_campaign_report, stranger, campaign_id) == "NotFound"
    assert refused(camp_rpc.list_campaign_recipients, stranger, campaign_id, {}) == "NotFound"


def test_recipients_page_filter_and_bad_query(camp_rpc, camp_engine):
    org_id = uid("o")
    campaign_id, ids = sent_campaign(camp_engine, org_id, [{"email": f"p{i}@x.test"} for i in range(3)])
    with camp_engine.begin() as conn:
        conn.execute(recipients.update().where(recipients.c.id == ids["p1@x.test"])
                     .values(state="failed", last_error="550 no such user"))
    admin = actor(org_id, is_admin=True)
    page = camp_rpc.list_campaign_recipients(admin, campaign_id, {"per_page": 2, "page": 2})
    assert ([r["email"] for r in page["items"]], page["total"]) == (["p2@x.test"], 3)
    failed = camp_rpc.list_campaign_recipients(admin, campaign_id, {"state": "failed"})
    assert [(r["email"], r["last_error"]) for r in failed["items"]] == [("p1@x.test", "550 no such user")]
    with pytest.raises(Exception) as exc:  # noqa: PT011 - RemoteError or InvalidInput (see ``refused``)
        camp_rpc.list_campaign_recipients(admin, campaign_id, {"state": "lost"})
    assert "InvalidInput" in repr(exc.value) or isinstance(exc.value, RemoteError)
    assert "state" in (json.dumps(exc.value.value) if isinstance(exc.value, RemoteError) else str(exc.value.errors))


def test_contact_emails(camp_rpc, camp_engine):
    org_id = uid("o")
    contact_id = uid("k")
    with camp_engine.begin() as conn:
        conn.execute(contact_refs.insert().values(id=contact_id, org_id=org_id, email="k@x.test", language="fr",
                                                  rep1_id="u1", list_ids=["L1"], version=1))
    first, _ = sent_campaign(camp_engine, org_id, [{"email": "k@x.test", "contact_id": contact_id}])
    single, ids = sent_campaign(camp_engine, org_id, [{"email": "k@x.test", "contact_id": contact_id}], kind="single")
    with camp_engine.begin() as conn:
        conn.execute(recipients.update().where(recipients.c.id == ids["k@x.test"])
                     .values(opened_at=SENT_AT, sent_at=SENT_AT + timedelta(minutes=5)))
    found = camp_rpc.list_contact_emails(actor(org_id), contact_id, {})
    assert [(e["campaign_id"], e["kind"], e["opened"], e["clicked"]) for e in found["items"]] == [
        (single, "single", True, False), (first, "campaign", False, False)]
    # a contact the caller does not see (and contacts does not know)
    assert refused(camp_rpc.list_contact_emails, actor(org_id, "someone_else"), contact_id, {}) == "NotFound"
