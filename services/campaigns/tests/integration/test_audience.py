"""The audience area (E-4, E-11) on the running campaigns service: the read model of contacts converges after the
contacts events whatever their order; the counters follow the FAQ's rules one contact per rule (duplicates
case-insensitive) and the caller's visibility; ``audience_select`` sends each address once; the consent ledger and
the suppression list. Contacts confirmed at the source are tested in process with hand-written fakes of the proxy.

Where a test asserts that an event changed nothing, it first waits for its inbox row (``handled``)."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from carnet_campaigns.audience import repository, usecases
from carnet_campaigns.audience.tables import contact_refs
from carnet_campaigns.models import outbox
from carnet_common.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from carnet_common.events import make_envelope
from carnet_common.rpc import RpcTimeout
from carnet_testing import handled

SCHEMA = "campaigns"
NOW = datetime.now(timezone.utc)


def uid(prefix="x"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def actor(org_id, user_id="u1", *, list_ids=(), is_admin=True, **flags):
    return {"org_id": org_id, "user_id": user_id, "is_admin": is_admin, "language": "en",
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False, **flags},
            "subordinate_ids": [], "list_ids": list(list_ids)}


def record(contact_id, *, version=1, email="a@b.test", language="fr", subscribed=True, status="active", rep1_id="u1",
           rep2_id=None, first_name="Marie", last_name="Roy", list_ids=("L1",)):
    return {"id": contact_id, "email": email, "language": language, "subscribed": subscribed, "status": status,
            "rep1_id": rep1_id, "rep2_id": rep2_id, "first_name": first_name, "last_name": last_name,
            "version": version, "list_ids": list(list_ids), "custom": {}}


def contact_event(org_id, contact_id, *, created=True, **fields):
    data = {"org_id": org_id, "actor_id": "u1", "record": record(contact_id, **fields)}
    if created:
        data["list_ids"] = data["record"]["list_ids"]
    else:
        data["changed"] = ["email"]
    return ("contact_created" if created else "contact_updated"), data


def ref(engine, contact_id):
    with engine.connect() as conn:
        row = conn.execute(sa.select(contact_refs).where(contact_refs.c.id == contact_id)).mappings().first()
    return dict(row) if row else None


def seed(engine, org_id, rows):
    """Contacts straight into the read model (as their events would write them)."""
    with engine.begin() as conn:
        for row in rows:  # one by one: an executemany takes the first row's keys for all
            conn.execute(contact_refs.insert().values({"org_id": org_id, "version": 1, "status": "active",
                                                       "subscribed": True, "language": "en", "rep1_id": "u1",
                                                       "list_ids": ["L1"], **row}))


def published(publish, engine, event_type, data, *, source="contacts", occurred_at=None):
    envelope = make_envelope(data)
    if occurred_at is not None:
        envelope["occurred_at"] = occurred_at.isoformat()
    publish(event_type, data, source=source, envelope=envelope)
    handled(engine, SCHEMA, [uuid.UUID(envelope["event_id"])])
    return envelope


def code_of(exc):
    return exc.value.exc_type, exc.value.value


# The read model of contacts --------------------------------------------------------------------------------------

def test_read_model_converges_whatever_the_order(camp_publish, camp_engine):
    org, contact_id = uid("org"), uid("con")
    pub = lambda *a, **k: published(camp_publish, camp_engine, *a, **k)  # noqa: E731
    # an update before its creation: the newest version wins, the late creation (older) changes nothing, as in
    # the opportunities' read model (memberships come from their own events)
    pub(*contact_event(org, contact_id, created=False, version=3, email="new@acme.test", list_ids=["L1"]))
    pub("membership_changed", {"org_id": org, "actor_id": "u1", "record_type": "contact", "record_id": contact_id,
                               "added": ["L2"], "removed": []})
    pub(*contact_event(org, contact_id, version=1, email="old@acme.test", list_ids=["L1", "L3"]))
    row = ref(camp_engine, contact_id)
    assert (row["email"], row["version"], sorted(row["list_ids"])) == ("new@acme.test", 3, ["L1", "L2"])
    pub("membership_changed", {"org_id": org, "actor_id": "u1", "record_type": "contact", "record_id": contact_id,
                               "added": ["L3"], "removed": []})
    pub(*contact_event(org, contact_id, created=False, version=4, subscribed=False, status="inactive",
                       language="Deutsch", email="new@acme.test"))
    row = ref(camp_engine, contact_id)
    assert (row["subscribed"], row["status"], row["language"]) == (False, "inactive", "Deutsch")
    pub("list_deleted", {"org_id": org, "actor_id": "u1", "list_id": "L3"})
    assert sorted(ref(camp_engine, contact_id)["list_ids"]) == ["L1", "L2"]
    # delete and restore ordered by occurred_at: the late delete (older) is ignored
    t0 = datetime.now(timezone.utc)
    pub("contact_restored", {"org_id": org, "actor_id": "u1", "contact_id": contact_id, "account_id": None},
        occurred_at=t0 + timedelta(seconds=2))
    pub("contact_deleted", {"org_id": org, "actor_id": "u1", "contact_id": contact_id, "account_id": None,
                            "deleted_at": t0.isoformat()}, occurred_at=t0)
    assert ref(camp_engine, contact_id)["deleted_at"] is None
    t3 = t0 + timedelta(seconds=3)
    pub("contact_deleted", {"org_id": org, "actor_id": "u1", "contact_id": contact_id, "account_id": None,
                            "deleted_at": t3.isoformat()}, occurred_at=t3)
    assert ref(camp_engine, contact_id)["deleted_at"] is not None
    with Session(camp_engine) as session, session.begin():  # a consent recorded before, erased with the contact
        repository.add_consent(session, {"org_id": org, "contact_id": contact_id, "kind": "express",
                                         "source": "form", "given_at": t0})
    pub("contact_purged", {"org_id": org, "actor_id": None, "contact_id": contact_id, "account_id": None})
    assert ref(camp_engine, contact_id) is None
    with Session(camp_engine) as session:
        assert repository.consents_of(session, org_id=org, contact_id=contact_id) == []


def test_merged_loser_leaves_and_comes_back_on_undo(camp_publish, camp_engine):
    org, winner, loser = uid("org"), uid("con"), uid("con")
    pub = lambda *a, **k: published(camp_publish, camp_engine, *a, **k)  # noqa: E731
    pub(*contact_event(org, loser))
    pub(*contact_event(org, winner))
    with Session(camp_engine) as session, session.begin():  # the loser's express consent
        repository.add_consent(session, {"org_id": org, "contact_id": loser, "kind": "express", "source": "form",
                                         "given_at": NOW})
        repository.refresh_consent_summary(session, org_id=org, contact_id=loser)
    t0 = datetime.now(timezone.utc)
    data = {"org_id": org, "actor_id": "u1", "merge_id": uid("m"), "winner_id": winner, "loser_id": loser,
            "winner_account_id": None, "loser_account_id": None}
    pub("contact_merged", data, occurred_at=t0)
    assert ref(camp_engine, loser)["deleted_at"] is not None
    assert (ref(camp_engine, winner)["consent_express"], ref(camp_engine, loser)["consent_express"]) == (True, False)
    pub("contact_merge_undone", {k: data[k] for k in ("org_id", "actor_id", "merge_id", "winner_id", "loser_id")},
        occurred_at=t0 + timedelta(seconds=1))
    assert ref(camp_engine, loser)["deleted_at"] is None
    assert (ref(camp_engine, winner)["consent_express"], ref(camp_engine, loser)["consent_express"]) == (False, True)


# E-4 counters: one contact per rule -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rules(camp_engine, camp_rpc):
    """An organization whose list L-a holds one contact per FAQ rule, and duplicates."""
    org, la, lb = uid("org"), uid("L"), uid("L")
    rows = {
        "ok_fr": {"email": "Marie@Acme.test", "language": "fr"},
        "dup_upper": {"email": "MARIE@acme.TEST", "language": "en"},  # duplicate of ok_fr (case-insensitive)
        "ok_an": {"email": "ann@acme.test", "language": "Anglais"},
        "ok_es": {"email": "es@acme.test", "language": "ES"},
        "ok_d": {"email": "d@acme.test", "language": "deutsch"},
        "no_email": {"email": None},
        "empty_email": {"email": ""},
        "no_at": {"email": "nobody.acme.test"},
        "ends_at": {"email": "x.y@"},
        "no_dot": {"email": "x@acmetest"},
        "ends_dot": {"email": "x@acme.test."},
        "bad_language": {"email": "it@acme.test", "language": "it"},
        "no_language": {"email": "nolang@acme.test", "language": None},
        "inactive": {"email": "inactive@acme.test", "status": "inactive"},
        "unsubscribed": {"email": "unsub@acme.test", "subscribed": False},
        "suppressed": {"email": "Suppressed@acme.test"},
        "other_rep": {"email": "rep2@acme.test", "rep1_id": "u2"},
        "other_list": {"email": "ok_lb@acme.test", "list_ids": [lb]},
        "deleted": {"email": "gone@acme.test", "deleted_at": NOW},
        "express": {"email": "express@acme.test"},
        "expired": {"email": "expired@acme.test"},
        "implied": {"email": "implied@acme.test"},
    }
    ids = {name: uid(name) for name in rows}
    seed(camp_engine, org, [{"id": ids[name], "list_ids": [la], **values} for name, values in rows.items()])
    admin = actor(org, list_ids=[la, lb])
    camp_rpc.add_suppression(admin, {"email": "suppressed@ACME.test"})
    camp_rpc.record_consent(admin, ids["express"], {"kind": "express", "source": "form", "proof": "form 12"})
    long_ago = (NOW - timedelta(days=200)).isoformat()
    camp_rpc.record_consent(admin, ids["expired"], {"kind": "implied", "basis": "inquiry", "given_at": long_ago})
    camp_rpc.record_consent(admin, ids["implied"], {"kind": "implied", "basis": "purchase", "given_at": long_ago})
    return {"org": org, "la": la, "lb": lb, "ids": ids, "admin": admin}


def test_counters_follow_every_rule(camp_rpc, rules):
    counters = camp_rpc.audience_counters(rules["admin"], {"list_ids": [rules["la"]]})
    # total: all but other_list and deleted (20); invalid: 8 bad data + inactive (9); unsubscribed: 2;
    # eligible: ok_fr, dup_upper, ok_an, ok_es, ok_d, other_rep, express, expired, implied (9) → 8 addresses,
    # of which 5 without consent (Marie's two contacts count once)
    assert counters == {"total": 20, "invalid": 9, "unsubscribed": 2, "valid": 8, "duplicates": 1, "selected": 8,
                        "no_consent": 5, "consent_expired": 1}
    express = camp_rpc.audience_counters(rules["admin"], {"list_ids": [rules["la"]], "require_express": True})
    assert express["selected"] == 1 and express["valid"] == 8
    both = camp_rpc.audience_counters(rules["admin"], {"list_ids": [rules["la"], rules["lb"]]})
    assert (both["total"], both["valid"]) == (21, 9)


def test_audience_select_sends_each_address_once(camp_engine, rules):
    with Session(camp_engine) as session:
        rows = session.execute(repository.audience_select(actor=rules["admin"], list_ids=[rules["la"]],
                                                          require_express=False, now=NOW)).mappings().all()
        express = session.execute(repository.audience_select(actor=rules["admin"], list_ids=[rules["la"]],
                                                             require_express=True, now=NOW)).mappings().all()
    by_key = {r["email_key"]: r for r in rows}
    assert len(rows) == 8 == len(by_key)
    marie = by_key["marie@acme.test"]
    assert marie["contact_id"] == min(rules["ids"]["ok_fr"], rules["ids"]["dup_upper"])
    assert by_key["ann@acme.test"]["language"] == "en" and marie["language"] in ("fr", "en")
    assert by_key["d@acme.test"]["language"] == "en"
    assert [r["email"] for r in express] == ["express@acme.test"]
    assert list(rows[0].keys()) == ["contact_id", "email", "email_key", "language", "first_name", "last_name"]


def test_counters_keep_to_what_the_caller_sees(camp_rpc, rules):
    rep = actor(rules["org"], "u2", list_ids=[rules["la"]], is_admin=False)
    assert camp_rpc.audience_counters(rep, {"list_ids": [rules["la"]]})["total"] == 1  # only other_rep's contact
    manager = {**actor(rules["org"], "u9", list_ids=[rules["la"]], is_admin=False, hierarchy_contacts=True),
               "subordinate_ids": ["u2"]}  # S-5: the contacts of the users below them
    assert camp_rpc.audience_counters(manager, {"list_ids": [rules["la"]]})["total"] == 1
    everyone = actor(rules["org"], "u9", list_ids=[rules["la"]], is_admin=False, all_contacts=True)
    assert camp_rpc.audience_counters(everyone, {"list_ids": [rules["la"]]})["total"] == 20
    # a list the caller may not access, or another organization's: 422 unknown_list on list_ids
    for list_ids in ([rules["lb"]], [rules["la"], "L-of-another-org"]):
        with pytest.raises(InvalidInput) as exc:
            camp_rpc.audience_counters(rep, {"list_ids": list_ids})
        assert exc.value.errors == {"list_ids": ["unknown_list"]}
    other_org = actor(uid("org"), list_ids=[rules["la"]])  # the list id, claimed by another organization's actor
    assert camp_rpc.audience_counters(other_org, {"list_ids": [rules["la"]]})["total"] == 0


# E-11 consent ledger ----------------------------------------------------------------------------------------------

def test_consent_ledger_states_and_withdrawal(camp_rpc, camp_engine, rules):
    admin, contact_id = rules["admin"], rules["ids"]["ok_an"]
    assert camp_rpc.contact_consents(admin, contact_id)["state"] == "none"
    given = camp_rpc.record_consent(admin, contact_id, {"kind": "implied", "basis": "inquiry", "proof": "call"})
    ledger = camp_rpc.contact_consents(admin, contact_id)
    assert ledger["state"] == "implied" and ledger["implied_until"] == given["expires_at"]
    assert datetime.fromisoformat(given["expires_at"]) - datetime.fromisoformat(given["given_at"]) \
        >= timedelta(days=181)
    express = camp_rpc.record_consent(admin, contact_id, {"kind": "express", "source": "double_opt_in"})
    assert camp_rpc.contact_consents(admin, contact_id)["state"] == "express"
    withdrawn = camp_rpc.withdraw_consent(admin, contact_id, express["id"])
    assert withdrawn["withdrawn_at"] and not withdrawn["in_effect"]
    assert camp_rpc.contact_consents(admin, contact_id)["state"] == "implied"
    # each change is published for the contacts' consent column (campaigns.consent_changed, in the outbox)
    with camp_engine.connect() as conn:
        published = conn.execute(sa.select(outbox.c.envelope).where(
            outbox.c.event_type == "consent_changed",
            outbox.c.envelope["data"]["contact_id"].astext == contact_id).order_by(outbox.c.created_at)).scalars().all()
    assert [(e["data"]["state"], e["data"]["express"]) for e in published] == [
        ("implied", False), ("express", True), ("implied", False)]
    with pytest.raises(Conflict):
        camp_rpc.withdraw_consent(admin, contact_id, express["id"])
    for bad, field in (({"kind": "implied"}, "basis"), ({"kind": "maybe"}, "kind"),
                       ({"kind": "express", "given_at": (NOW + timedelta(days=2)).isoformat()}, "given_at"),
                       ({"kind": "implied", "basis": "other"}, "expires_at")):
        with pytest.raises(InvalidInput) as exc:
            camp_rpc.record_consent(admin, contact_id, bad)
        assert field in exc.value.errors
    # a contact the caller does not see, or of no one: 404 (the source is asked and says so)
    rep = actor(rules["org"], "u2", list_ids=[rules["la"]], is_admin=False)
    for who, contact in ((rep, contact_id), (admin, "con-nobody")):
        with pytest.raises(NotFound):
            camp_rpc.contact_consents(who, contact)


def test_a_won_opportunity_records_implied_consent_once(camp_publish, camp_engine, camp_rpc, rules):
    contact_id = rules["ids"]["ok_es"]
    opportunity = {"id": uid("opp"), "contact_id": contact_id, "account_id": None, "probability": 100,
                   "close_date": NOW.date().isoformat(), "version": 2}
    data = {"org_id": rules["org"], "actor_id": "u1", "opportunity": opportunity}
    published(camp_publish, camp_engine, "opportunity_updated", data, source="opportunities")
    published(camp_publish, camp_engine, "opportunity_updated", {**data, "opportunity": {**opportunity, "version": 3}},
              source="opportunities")
    published(camp_publish, camp_engine, "opportunity_created", {**data, "opportunity": {
        **opportunity, "id": uid("opp"), "probability": 60}}, source="opportunities")
    ledger = camp_rpc.contact_consents(rules["admin"], contact_id)
    assert [(c["kind"], c["basis"], c["source"], c["opportunity_id"]) for c in ledger["consents"]] == [
        ("implied", "purchase", "purchase", opportunity["id"])]
    assert ledger["state"] == "implied"


# The suppression list ------------------------------------------------------------------------------------------

def test_suppression_list(camp_rpc, camp_engine, rules):
    admin, org = rules["admin"], rules["org"]
    first = camp_rpc.add_suppression(admin, {"email": "Manual@Acme.test"})
    again = camp_rpc.add_suppression(admin, {"email": "manual@acme.TEST"})
    assert first == again and first["removable"] and first["reason"] == "manual"
    with Session(camp_engine) as session, session.begin():
        assert repository.is_suppressed(session, org_id=org, email="MANUAL@acme.test")
        assert not repository.is_suppressed(session, org_id=uid("org"), email="manual@acme.test")
        assert repository.suppress(session, org_id=org, email="Left@Acme.test", reason="unsubscribe",
                                   source="one_click", contact_id=rules["ids"]["ok_d"])
        assert not repository.suppress(session, org_id=org, email="left@acme.test", reason="bounce", source="smtp")
    page = camp_rpc.list_suppressions(admin, {"per_page": 2})
    assert len(page["items"]) == 2 and page["has_more"]
    assert [i["email"] for i in camp_rpc.list_suppressions(admin, {"q": "LEFT"})["items"]] == ["Left@Acme.test"]
    with pytest.raises(Conflict):  # an unsubscribe is not the sender's to undo
        camp_rpc.remove_suppression(admin, "left@acme.test")
    camp_rpc.remove_suppression(admin, "MANUAL@acme.test")
    with pytest.raises(NotFound):
        camp_rpc.remove_suppression(admin, "manual@acme.test")
    assert camp_rpc.list_suppressions(actor(uid("org")), {})["items"] == []  # another organization's


# A contact confirmed at the source (in process, the proxy faked) -------------------------------------------------

class Source:
    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer, error, []

    def get_contact(self, actor, contact_id):
        self.calls.append((actor, contact_id))
        if self.error:
            raise self.error
        return self.answer


def test_a_miss_is_confirmed_at_the_source(camp_engine, rules):
    who = rules["admin"]
    held = rules["ids"]["ok_fr"]
    with Session(camp_engine) as session:
        source = Source(error=AssertionError("not asked"))
        assert usecases.confirm_contact(session, contacts=source, actor=who, contact_id=held)["id"] == held
        fresh = uid("con")
        answer = {**record(fresh, email="fresh@acme.test"), "org_id": rules["org"]}
        got = usecases.confirm_contact(session, contacts=Source(answer), actor=who, contact_id=fresh)
        assert (got["id"], got["email"], got["language"]) == (fresh, "fresh@acme.test", "fr")
        with pytest.raises(NotFound):
            usecases.confirm_contact(session, contacts=Source(error=NotFound()), actor=who, contact_id=fresh)
        with pytest.raises(ServiceUnavailable):
            usecases.confirm_contact(session, contacts=Source(error=RpcTimeout("late")), actor=who, contact_id=fresh)
        with pytest.raises(InvalidInput):
            usecases.audience_counters(session, actor=who, list_ids=["not-mine"], require_express=False)
