"""Sending domains through the gateway (E-5, E-6): records to publish, the check against the suite's DNS server,
the operator's approval, look-alikes, and who may do what (administrators manage; ``emails`` readers list; another
organization's is a 404; a plan without e-mails is a 403)."""
import subprocess
import sys

from conftest import assert_problem, ok, sign_up
from support.campaigns import contacts_in_list, new_domain, operator_rpc, publish, ready_domain
from support.orgs import add_member

from carnet_campaigns import operator

EMAILS = {"read": True, "write": True, "delete": False, "export": False}
CONTACTS = {"read": True, "write": True, "delete": True, "export": False}


def by_record(records):
    return {r["record"]: r for r in records}


def test_an_administrator_publishes_checks_and_carnet_approves(stack, org, dns_zone, capsys):
    admin = org["admin"]
    added = ok(admin.post("/sending-domains", json={"domain": new_domain().upper()}), 201)
    records, domain = by_record(added["records"]), added["domain"]
    assert domain == domain.lower() and added["approval"] == "pending" and not added["usable"]
    assert records["dkim"]["name"] == f"carnet1._domainkey.{domain}"
    assert records["dkim"]["value"].startswith("v=DKIM1; k=rsa; p=")
    assert records["tracking"]["value"] == "track.carnet.test"

    admin.language = "fr"
    checked = ok(admin.post(f"/sending-domains/{added['id']}/check"))
    assert checked["checks"]["spf"]["state"] == "missing"
    assert "SPF" in checked["checks"]["spf"]["message"] and "Aucun" in checked["checks"]["spf"]["message"]
    publish(dns_zone, added["records"])
    checked = ok(admin.post(f"/sending-domains/{added['id']}/check"))
    assert checked["verified"] and not checked["usable"]

    # the installation's operator, by its command line
    env = {**stack.env, "PYTHONWARNINGS": "ignore"}
    assert operator.main(["list-domains", "--pending"], proxy_factory=lambda: operator_rpc(stack)) == 0
    assert domain in capsys.readouterr().out
    subprocess.run([sys.executable, "-m", "carnet_campaigns.operator", "approve-domain", domain], env=env,
                   capture_output=True, text=True, timeout=60, check=True)
    shown = ok(admin.get(f"/sending-domains/{added['id']}"))
    assert shown["usable"] and shown["approval"] == "approved"
    assert operator.main(["approve-domain", new_domain()], proxy_factory=lambda: operator_rpc(stack)) == 1
    assert "sending_domain_not_found" in capsys.readouterr().err

    ok(admin.delete(f"/sending-domains/{added['id']}"), 204)
    assert_problem(admin.get(f"/sending-domains/{added['id']}"), 404)


def test_the_shared_helpers(stack, org, dns_zone):
    domain = ready_domain(stack, org["admin"], dns_zone)
    assert [d["domain"] for d in ok(org["admin"].get("/sending-domains")) if d["usable"]] == [domain]
    people = contacts_in_list(org["admin"], org["shared"], 2, city="Laval")
    assert [p["language"] for p in people] == ["fr", "en"] and all(p["subscribed"] for p in people)
    assert people[0]["email"].endswith("-0@example.test") and people[1]["city"] == "Laval"


def test_lookalikes_and_taken_domains_are_refused(base_url, org):
    admin = org["admin"]
    body = assert_problem(admin.post("/sending-domains", json={"domain": "gnnail.com"}, headers={
        "Accept-Language": "fr"}), 422, code="domain_lookalike", fields=["domain"])
    assert "gmail.com" in body["errors"]["domain"][0] and "ressemble" in body["errors"]["domain"][0]
    for bad, code in (("outlook.co", "domain_lookalike"), ("xn--gmil-63d.com", "domain_lookalike"),
                      ("gmail.com", "domain_free_mail"), ("pas un domaine", "invalid_input")):
        assert_problem(admin.post("/sending-domains", json={"domain": bad}), 422, code=code, fields=["domain"])
    assert_problem(admin.post("/sending-domains", json={}), 422, fields=["domain"])
    mine = ok(admin.post("/sending-domains", json={"domain": f"acme-{new_domain()[1:7]}.ca"}), 201)
    other, _ = sign_up(base_url)
    assert_problem(other.post("/sending-domains", json={"domain": mine["domain"]}), 409, code="domain_taken")
    near = mine["domain"].replace("acme", "acrne")
    body = assert_problem(other.post("/sending-domains", json={"domain": near}), 422, code="domain_lookalike")
    assert mine["domain"] in body["errors"]["domain"][0]


def test_who_may_read_and_manage_domains(stack, org, base_url):
    admin = org["admin"]
    mine = ok(admin.post("/sending-domains", json={"domain": new_domain()}), 201)
    reader = add_member(org, modules={"emails": EMAILS, "contacts": CONTACTS})["client"]
    listed = ok(reader.get("/sending-domains"))
    assert [d["domain"] for d in listed] == [mine["domain"]] and "records" not in listed[0]
    assert_problem(reader.post("/sending-domains", json={"domain": new_domain()}), 403)
    for method, path in (("GET", f"/sending-domains/{mine['id']}"), ("POST", f"/sending-domains/{mine['id']}/check"),
                         ("DELETE", f"/sending-domains/{mine['id']}")):
        assert_problem(reader.request(method, path), 403)
    without = add_member(org, modules={"contacts": CONTACTS})["client"]
    assert_problem(without.get("/sending-domains"), 403)

    other, _ = sign_up(base_url)
    assert ok(other.get("/sending-domains")) == []
    for method, path in (("GET", f"/sending-domains/{mine['id']}"), ("POST", f"/sending-domains/{mine['id']}/check"),
                         ("DELETE", f"/sending-domains/{mine['id']}")):
        assert_problem(other.request(method, path), 404)

    solo, _ = sign_up(base_url)
    with operator_rpc(stack) as rpc:
        rpc.identity.set_plan(ok(solo.get("/organization"))["id"], "solo")
    assert_problem(solo.get("/sending-domains"), 403, code="plan_feature")
    assert_problem(solo.post("/sending-domains", json={"domain": new_domain()}), 403, code="plan_feature")
