"""Sending domains through the campaigns service (E-5, E-6): add, records, check against a real DNS server
(``camp_dns``), approval by the installation's operator, what the other areas ask (``check_sender``,
``signing_key``, ``usable_domains``), and the private key encrypted at rest."""
import uuid

import pytest
import sqlalchemy as sa
from camp_domains_helpers import new_domain, publish, ready_domain

from carnet_campaigns.domains import keys, usecases
from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound


def actor(org_id=None, *, is_admin=True):
    return {"org_id": org_id or f"org-{uuid.uuid4().hex[:8]}", "user_id": f"user-{uuid.uuid4().hex[:8]}",
            "is_admin": is_admin, "request_id": None, "list_ids": [], "language": "fr"}


def by_record(records):
    return {r["record"]: r for r in records}


def test_a_ready_domain_is_usable_and_signs(camp_rpc, camp_dns, camp_engine):
    admin = actor()
    domain = ready_domain(camp_rpc, camp_dns, admin)
    assert camp_rpc.usable_sending_domains(admin) == [domain]
    with camp_engine.connect() as conn:
        assert usecases.check_sender(conn, org_id=admin["org_id"], email=f"Info@{domain.upper()}") == domain
        selector, pem = usecases.signing_key(conn, org_id=admin["org_id"], domain=domain)
        assert selector == "carnet1" and pem.startswith(b"-----BEGIN PRIVATE KEY-----")
        assert usecases.usable_domains(conn, org_id=admin["org_id"]) == [domain]
        # another organization may not send from it
        other = actor()["org_id"]
        with pytest.raises(InvalidInput) as refused:
            usecases.check_sender(conn, org_id=other, email=f"info@{domain}")
        assert refused.value.errors == {"from_email": ["sender_domain_unverified"]}
        assert usecases.signing_key(conn, org_id=other, domain=domain) is None
        for bad in (f"info@{domain}\r\nBcc: x@evil.test", "no-at-sign", f"a b@{domain}", f"@{domain}",
                    "info@bad_domain", None):
            with pytest.raises(InvalidInput) as malformed:
                usecases.check_sender(conn, org_id=admin["org_id"], email=bad, field="reply_to")
            assert malformed.value.errors == {"reply_to": ["invalid_email"]}
        # at rest: the column holds a Fernet token, never the PEM
        stored = conn.execute(sa.text("SELECT private_key FROM campaigns.sending_domains WHERE domain = :d"),
                              {"d": domain}).scalar_one()
        assert "PRIVATE KEY" not in stored and keys.decrypt(stored) == pem


def test_checks_find_each_record_missing_wrong_or_split(camp_rpc, camp_dns):
    admin = actor()
    added = camp_rpc.add_sending_domain(admin, {"domain": new_domain()})
    records, domain = by_record(added["records"]), added["domain"]
    assert records["spf"] == {"record": "spf", "type": "TXT", "name": domain,
                              "value": "v=spf1 include:_spf.carnet.test ~all"}
    assert records["dkim"]["name"] == f"carnet1._domainkey.{domain}"
    assert records["dkim"]["value"].startswith("v=DKIM1; k=rsa; p=") and len(records["dkim"]["value"]) > 255
    assert records["tracking"] == {"record": "tracking", "type": "CNAME", "name": f"e1.{domain}",
                                   "value": "track.carnet.test"}
    assert added["approval"] == "pending" and not added["verified"] and added["checks"] is None

    checked = camp_rpc.check_sending_domain(admin, added["id"])
    assert {k: v["state"] for k, v in checked["checks"].items()} == {"spf": "missing", "dkim": "missing",
                                                                      "tracking": "missing"}
    # wrong ones: an SPF without our include, another key, a CNAME elsewhere
    camp_dns.set(domain, "TXT", "v=spf1 include:_spf.google.com ~all")
    camp_dns.set(records["dkim"]["name"], "TXT", "v=DKIM1; k=rsa; p=" + "A" * 300)
    camp_dns.set(records["tracking"]["name"], "CNAME", "track.elsewhere.test")
    checks = camp_rpc.check_sending_domain(admin, added["id"])["checks"]
    assert (checks["spf"]["state"], checks["spf"]["reason"]) == ("wrong", "spf_without_include")
    assert (checks["dkim"]["state"], checks["dkim"]["reason"]) == ("wrong", "dkim_wrong_key")
    assert checks["tracking"] == {"state": "wrong", "reason": "tracking_wrong_target",
                                  "found": "track.elsewhere.test"}
    # two SPF records are refused even when one holds the include
    camp_dns.set(domain, "TXT", records["spf"]["value"], "v=spf1 -all")
    publish(camp_dns, [records["dkim"], records["tracking"]])  # the key, over 255 bytes: several strings
    checked = camp_rpc.check_sending_domain(admin, added["id"])
    assert (checked["checks"]["spf"]["state"], checked["checks"]["spf"]["reason"]) == ("wrong", "spf_several")
    assert checked["checks"]["dkim"]["state"] == checked["checks"]["tracking"]["state"] == "ok"
    assert not checked["verified"]
    camp_dns.set(domain, "TXT", "google-site-verification=xyz", records["spf"]["value"])
    checked = camp_rpc.check_sending_domain(admin, added["id"])
    assert checked["verified"] and not checked["usable"]  # not approved yet
    # a record removed later: no longer verified
    camp_dns.remove(records["tracking"]["name"])
    checked = camp_rpc.check_sending_domain(admin, added["id"])
    assert not checked["verified"] and checked["checks"]["tracking"]["state"] == "missing"


def test_operator_approval_and_refusal(camp_rpc, camp_dns):
    admin = actor()
    first = camp_rpc.add_sending_domain(admin, {"domain": new_domain()})
    second = camp_rpc.add_sending_domain(admin, {"domain": new_domain()})
    pending = {d["domain"]: d for d in camp_rpc.list_pending_domains()}
    assert {first["domain"], second["domain"]} <= set(pending)
    assert pending[first["domain"]]["org_id"] == admin["org_id"]
    approved = camp_rpc.approve_domain(first["domain"].upper())
    assert approved["approval"] == "approved" and not approved["usable"]  # not verified yet
    refused = camp_rpc.refuse_domain(second["domain"], "Pas votre domaine")
    assert refused["approval"] == "refused" and refused["refusal_reason"] == "Pas votre domaine"
    assert not {first["domain"], second["domain"]} & {d["domain"] for d in camp_rpc.list_pending_domains()}
    with pytest.raises(InvalidInput):
        camp_rpc.refuse_domain(first["domain"], "  ")
    with pytest.raises(NotFound):
        camp_rpc.approve_domain(new_domain())
    publish(camp_dns, first["records"])
    assert camp_rpc.check_sending_domain(admin, first["id"])["usable"]
    assert camp_rpc.usable_sending_domains(admin) == [first["domain"]]


def test_adding_refuses_lookalikes_taken_domains_and_non_admins(camp_rpc):
    owner, intruder = actor(), actor()
    mine = camp_rpc.add_sending_domain(owner, {"domain": f"acme-{uuid.uuid4().hex[:6]}.ca"})
    with pytest.raises(Conflict) as taken:
        camp_rpc.add_sending_domain(intruder, {"domain": mine["domain"].upper() + "."})
    assert taken.value.code == "domain_taken"
    with pytest.raises(Conflict) as again:
        camp_rpc.add_sending_domain(owner, {"domain": mine["domain"]})
    assert again.value.code == "domain_exists"
    label = mine["domain"].split(".")[0]
    with pytest.raises(InvalidInput) as lookalike:
        camp_rpc.add_sending_domain(intruder, {"domain": label.replace("m", "rn") + ".ca"})
    assert lookalike.value.errors == {"domain": ["domain_lookalike"]}
    assert lookalike.value.params["resembles"] == mine["domain"]
    # the owner's own sub-domain is not a look-alike of itself
    camp_rpc.add_sending_domain(owner, {"domain": "news." + mine["domain"]})
    with pytest.raises(InvalidInput) as gnnail:
        camp_rpc.add_sending_domain(intruder, {"domain": "gnnail.com"})
    assert gnnail.value.params["resembles"] == "gmail.com"
    for bad in ("gmail.com", "not a domain", "x" * 300):
        with pytest.raises(InvalidInput):
            camp_rpc.add_sending_domain(intruder, {"domain": bad})
    with pytest.raises(Forbidden):
        camp_rpc.add_sending_domain(actor(intruder["org_id"], is_admin=False), {"domain": new_domain()})
    # another organization's domain reads as none
    for call in (camp_rpc.get_sending_domain, camp_rpc.check_sending_domain, camp_rpc.delete_sending_domain):
        with pytest.raises(NotFound):
            call(intruder, mine["id"])
    assert camp_rpc.list_sending_domains(intruder) == []
    camp_rpc.delete_sending_domain(owner, mine["id"])
    with pytest.raises(NotFound):
        camp_rpc.get_sending_domain(owner, mine["id"])


def test_a_dns_that_does_not_answer_is_a_dns_error_within_the_budget(monkeypatch):
    """Nothing listens on the port: each record is ``dns_error`` (not missing), and the three queries together end
    within the budget (shortened here: 7 s in service, below the gateway's RPC timeout)."""
    import time

    import dns.resolver

    from carnet_campaigns.domains import dns_check
    from carnet_testing.processes import free_port

    monkeypatch.setattr(dns_check, "BUDGET", 0.6)
    res = dns.resolver.Resolver(configure=False)
    res.nameservers, res.port = ["127.0.0.1"], free_port()
    started = time.monotonic()
    results = dns_check.check(domain="acme.test", selector="carnet1", public_key="KEY", res=res)
    assert {r["state"] for r in results.values()} == {"dns_error"}
    assert time.monotonic() - started < 1.5


def test_an_organization_has_at_most_the_configured_number_of_domains(camp_rpc, camp_engine, monkeypatch):
    admin = actor()
    camp_rpc.add_sending_domain(admin, {"domain": new_domain()})
    monkeypatch.setenv("CAMPAIGNS_MAX_DOMAINS", "1")  # the use case in this process, on the service's database
    with camp_engine.connect() as conn, pytest.raises(Conflict) as refused:
        usecases.add_domain(conn, actor=admin, data={"domain": new_domain()})
    assert refused.value.code == "domain_limit" and refused.value.params == {"limit": 1}
