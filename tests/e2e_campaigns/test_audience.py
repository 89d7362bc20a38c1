"""The audience of campaigns through the gateway (E-4, E-11, S-3, S-4, E-1): contacts created over HTTP reach the
campaigns service's read model by their events and are counted by ``POST /campaigns/audience`` as the FAQ defines
validity; the counters keep to what the caller sees; a contact's consent ledger; the suppression list. Each
authorization rule has a test that tries to break it."""
from conftest import assert_problem, eventually, ok, sign_up
from nameko.standalone.rpc import ClusterRpcProxy
from support.campaigns import contacts_in_list
from support.orgs import add_member

from carnet_testing import rpc_config

CONTACTS = {"read": True, "write": True, "delete": True, "export": False}
EMAILS = {"read": True, "write": True, "delete": True}


def counters(client, list_ids, **body):
    return ok(client.post("/campaigns/audience", json={"list_ids": list_ids, **body}))


def test_counters_of_real_contacts_and_consent(org):
    admin, shared = org["admin"], org["shared"]
    people = contacts_in_list(admin, shared, 3)  # valid, fr/en
    extra = [{"last_name": "Doublon", "email": people[0]["email"].upper(), "language": "fr"},
             {"last_name": "Italien", "email": "it@example.test", "language": "it"},
             {"last_name": "Sans courriel", "language": "fr"},
             {"last_name": "Désabonné", "email": "unsub@example.test", "language": "en", "subscribed": False},
             {"last_name": "Inactif", "email": "inactive@example.test", "language": "en", "status": "inactive"}]
    for body in extra:
        ok(admin.post("/contacts", json={"list_ids": [shared], "subscribed": True, **body}), 201)
    got = eventually(lambda: counters(admin, [shared]), lambda c: c["total"] == 8, what="8 contacts counted")
    assert got == {"total": 8, "valid": 3, "selected": 3, "duplicates": 1, "unsubscribed": 1, "invalid": 3,
                   "no_consent": 3, "consent_expired": 0}

    # E-11: an express consent makes one address selected when express consent is required
    contact_id = people[1]["id"]
    assert ok(admin.get(f"/contacts/{contact_id}/consents"))["state"] == "none"
    given = ok(admin.post(f"/contacts/{contact_id}/consents",
                          json={"kind": "express", "source": "form", "proof": "Formulaire infolettre"}), 201)
    assert given["kind"] == "express" and given["in_effect"] and given["expires_at"] is None
    express = counters(admin, [shared], require_express=True)
    assert (express["selected"], express["valid"], express["no_consent"]) == (1, 3, 2)
    ledger = ok(admin.get(f"/contacts/{contact_id}/consents"))
    assert ledger["state"] == "express" and [c["id"] for c in ledger["consents"]] == [given["id"]]
    implied = ok(admin.post(f"/contacts/{contact_id}/consents", json={"kind": "implied", "basis": "purchase"}), 201)
    assert implied["expires_at"][:4] == str(int(implied["given_at"][:4]) + 2)
    withdrawn = ok(admin.post(f"/contacts/{contact_id}/consents/{given['id']}/withdraw"))
    assert withdrawn["withdrawn_at"] and ok(admin.get(f"/contacts/{contact_id}/consents"))["state"] == "implied"
    assert_problem(admin.post(f"/contacts/{contact_id}/consents/{given['id']}/withdraw"), 409,
                   code="consent_withdrawn")
    # bad input: a 422 naming the field, in the caller's language
    problem = assert_problem(admin.post(f"/contacts/{contact_id}/consents", json={"kind": "implied"},
                                        headers={"Accept-Language": "fr"}), 422, fields=("basis",))
    assert "fondement" in str(problem["errors"]["basis"])
    assert_problem(admin.post("/campaigns/audience", json={"list_ids": []}), 422, fields=("list_ids",))
    assert_problem(admin.post("/campaigns/audience", json={"list_ids": "x"}), 422, fields=("list_ids",))


def test_counters_and_consents_keep_to_what_the_caller_sees(stack, org, base_url):
    admin, shared = org["admin"], org["shared"]
    rep = add_member(org, modules={"contacts": CONTACTS, "emails": EMAILS})
    mine = ok(admin.post("/contacts", json={"last_name": "À moi", "email": "mine@example.test", "language": "fr",
                                            "subscribed": True, "list_ids": [shared],
                                            "rep1_id": rep["user"]["id"]}), 201)
    theirs = contacts_in_list(admin, shared, 2)
    eventually(lambda: counters(admin, [shared])["total"], lambda n: n == 3, what="3 contacts counted")
    # S-4: a member without "all contacts" counts only the contacts they represent
    assert counters(rep["client"], [shared])["total"] == 1
    ok(rep["client"].get(f"/contacts/{mine['id']}/consents"))
    assert_problem(rep["client"].get(f"/contacts/{theirs[0]['id']}/consents"), 404)
    assert_problem(rep["client"].post(f"/contacts/{theirs[0]['id']}/consents", json={"kind": "express"}), 404)
    # a list the member may not access, or another organization's: 422 unknown_list on list_ids
    assert_problem(rep["client"].post("/campaigns/audience", json={"list_ids": [org["closed"]]}), 422,
                   fields=("list_ids",))
    other, created = sign_up(base_url)
    foreign = ok(other.post("/lists", json={"name": "Ailleurs", "access_all_users": True}), 201)["id"]
    assert_problem(admin.post("/campaigns/audience", json={"list_ids": [foreign]}), 422, fields=("list_ids",))
    assert_problem(other.get(f"/contacts/{mine['id']}/consents"), 404)  # another organization's contact
    # S-3: no emails permission → 403, whatever the contact
    without = add_member(org, modules={"contacts": CONTACTS})["client"]
    assert_problem(without.post("/campaigns/audience", json={"list_ids": [shared]}), 403)
    assert_problem(without.get(f"/contacts/{mine['id']}/consents"), 403)
    assert_problem(without.get("/suppressions"), 403)
    # E-1: below the team plan, 403 plan_feature
    with ClusterRpcProxy(rpc_config(stack.env), timeout=20) as proxy:
        proxy.identity.set_plan(created["organization"]["id"], "solo")
    assert_problem(other.post("/campaigns/audience", json={"list_ids": [foreign]}), 403, code="plan_feature")
    assert_problem(other.get("/suppressions"), 403, code="plan_feature")


def test_suppression_list(org, base_url):
    admin, shared = org["admin"], org["shared"]
    person = contacts_in_list(admin, shared, 1)[0]
    eventually(lambda: counters(admin, [shared])["valid"], lambda n: n == 1, what="the contact counted")
    added = ok(admin.post("/suppressions", json={"email": person["email"].upper()}), 201)
    assert added["reason"] == "manual" and added["removable"]
    assert ok(admin.post("/suppressions", json={"email": person["email"]}), 201)["email"] == added["email"]
    assert counters(admin, [shared])["unsubscribed"] == 1 and counters(admin, [shared])["valid"] == 0
    page = ok(admin.get("/suppressions", params={"q": person["email"][:6]}))
    assert [item["email"] for item in page["items"]] == [added["email"]] and not page["has_more"]
    assert_problem(admin.post("/suppressions", json={"email": "not an address"}), 422, fields=("email",))
    assert_problem(admin.post("/suppressions", json={"email": "a@b.test", "reason": "bounce"}), 422,
                   fields=("reason",))
    other, _ = sign_up(base_url)
    assert ok(other.get("/suppressions"))["items"] == []  # another organization's list is its own
    assert_problem(other.delete(f"/suppressions/{person['email']}"), 404)
    assert admin.delete(f"/suppressions/{person['email']}").status_code == 204
    assert_problem(admin.delete(f"/suppressions/{person['email']}"), 404)
    assert counters(admin, [shared])["valid"] == 1
