"""The sending domains pages (E-5, E-6), driven as a browser without JavaScript would and checked against what
``/api/v1`` answers: the list with each state, the add form (a look-alike refused on its field), the domain's page
with the three records to copy and the Check button's per-record results, "waiting for Carnet's approval" until the
operator approves; a member sees the list only (the API's 403 on a domain's page), another organization gets the
404 page, a plan without e-mails the 403 page."""
from conftest import add_member, ok, web_login
from support.campaigns import new_domain, operator_rpc, publish
from support.http import sign_up

EMAILS = {"read": True, "write": True, "delete": False, "export": False}


def test_an_administrator_adds_publishes_checks_and_waits_for_approval(stack, org, dns_zone):
    web = web_login(org["base_url"], org["user"]["username"], language="fr")
    page = web.get("/app/sending-domains")
    assert page.status == 200 and page.one("h1").text_content().strip() == "Domaines d'envoi"

    refused = web.post("/app/sending-domains", {"domain": "gnnail.com"})
    assert refused.status == 422 and refused.one("#f-domain").get("aria-invalid") == "true"
    assert "gmail.com" in refused.one("#f-domain-error").text_content()
    assert ok(org["admin"].get("/sending-domains")) == []

    name = new_domain()
    added = web.post("/app/sending-domains", {"domain": name})
    assert added.status == 303
    page = web.follow(added)
    domain = ok(org["admin"].get("/sending-domains"))[0]
    assert page.one("#domain-state").get("data-status") == "unverified"
    rows = {row.get("data-record"): row for row in page.css("tr[data-record]")}
    assert set(rows) == {"spf", "dkim", "tracking"}
    records = ok(org["admin"].get(f"/sending-domains/{domain['id']}"))["records"]
    for record in records:
        codes = [c.text_content() for c in rows[record["record"]].cssselect("code")]
        assert codes == [record["name"], record["value"]] and rows[record["record"]].get("data-state") == "unchecked"

    publish(dns_zone, [r for r in records if r["record"] != "tracking"])
    checked = web.follow(web.post(f"/app/sending-domains/{domain['id']}/check"))
    states = {row.get("data-record"): row.get("data-state") for row in checked.css("tr[data-record]")}
    assert states == {"spf": "ok", "dkim": "ok", "tracking": "missing"}
    assert "CNAME de suivi est introuvable" in checked.one("tr[data-record=tracking]").text_content()
    publish(dns_zone, records)
    checked = web.follow(web.post(f"/app/sending-domains/{domain['id']}/check"))
    assert checked.one("#domain-state").get("data-status") == "waiting_approval"
    assert "En attente de l'approbation de Carnet" in checked.one("#domain-state").text_content()

    with operator_rpc(stack) as rpc:
        rpc.campaigns.approve_domain(name)
    web.language = "en"
    listed = web.get("/app/sending-domains")
    row = listed.one(f"tr[data-id='{domain['id']}']")
    assert row.get("data-status") == "usable" and "Ready to send" in row.text_content()

    deleted = web.post(f"/app/sending-domains/{domain['id']}/delete")
    assert deleted.status == 303 and ok(org["admin"].get("/sending-domains")) == []


def test_members_other_organizations_and_plans_get_the_apis_answers(stack, org, base_url):
    mine = ok(org["admin"].post("/sending-domains", json={"domain": new_domain()}), 201)
    member = add_member(org, modules={"emails": EMAILS})
    web = web_login(base_url, member["user"]["username"])
    listed = web.get("/app/sending-domains")
    assert listed.status == 200 and listed.css(f"tr[data-id='{mine['id']}']")
    assert not listed.css("a[href$='/sending-domains/" + mine["id"] + "']") and not listed.css("#f-domain")
    assert web.get(f"/app/sending-domains/{mine['id']}").status == 403
    assert web.post("/app/sending-domains", {"domain": new_domain()}).status == 403
    assert web.post(f"/app/sending-domains/{mine['id']}/check").status == 403

    _, other = sign_up(base_url)
    outsider = web_login(base_url, other["user"]["username"])
    assert outsider.get(f"/app/sending-domains/{mine['id']}").status == 404
    assert outsider.post(f"/app/sending-domains/{mine['id']}/delete").status == 404

    _, solo = sign_up(base_url, plan="solo")
    assert web_login(base_url, solo["user"]["username"]).get("/app/sending-domains").status == 403
