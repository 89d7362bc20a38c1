"""The duplicates pages (C-20): the review queue with scores, reasons, Merge and Dismiss, the administrator's scan,
the record's notice and the new-record warning (fragments htmx loads), driven as a browser without JavaScript would,
each checked against what ``/api/v1`` answers the same user (another user's and another organization's included)."""
from conftest import add_member, ok, web_login
from support.http import sign_up

from carnet_testing import eventually

EVERYTHING = {"read": True, "write": True, "delete": True, "export": True}
MARIE = {"first_name": "Marie", "last_name": "Côté", "email": "marie@pages-dupl.example", "phone": "514-222-3333",
         "city": "Montréal"}


def _contact(client, lists, **fields):
    return ok(client.post("/contacts", json={"list_ids": lists, **fields}), 201)


def _scan(admin):
    assert admin.post("/contacts/duplicates/scan").status_code == 202
    eventually(lambda: ok(admin.get("/contacts/duplicates/scan")), lambda s: s["status"] == "done", what="the scan")


def _world(org):
    admin = org["admin"]
    ok(admin.patch(f"/users/{org['user']['id']}", json={"language": "en"}))
    a = _contact(admin, [org["shared"]], **MARIE)
    b = _contact(admin, [org["shared"]], **{**MARIE, "first_name": "Marei", "phone": "514 222 3333 x12"})
    _scan(admin)
    return a, b


def test_the_queue_shows_the_pairs_with_merge_and_dismiss_and_the_scan(org):
    a, b = _world(org)
    web = web_login(org["base_url"], org["user"]["username"])
    page = web.get("/app/duplicates")
    assert page.status == 200
    api = ok(org["admin"].get("/contacts/duplicates"))
    assert page.texts("table.duplicates tbody td:nth-child(3)") == [str(api["items"][0]["score"])]
    assert page.texts("table.duplicates tbody td:nth-child(4) li") == ["similar name", "same email", "same phone",
                                                                       "same company domain", "same city"]
    assert {a.get("href") for a in page.css("table.duplicates tbody td a[href^='/app/contacts/']")} == {
        f"/app/contacts/{a['id']}", f"/app/contacts/{b['id']}"}
    merge = page.one("table.duplicates a[href^='/app/merges/new']").get("href")
    assert merge == f"/app/merges/new?type=contact&ids={api['items'][0]['a']['id']},{api['items'][0]['b']['id']}"
    assert page.css("form[action='/app/duplicates/scan']")
    done = web.post("/app/duplicates/dismiss", {"type": "contact", "a_id": b["id"], "b_id": a["id"]})
    assert done.status == 303
    after = web.follow(done)
    assert "The pair was dismissed." in after.body_text and not after.css("table.duplicates")
    assert ok(org["admin"].get("/contacts/duplicates"))["total"] == 0
    again = web.post("/app/duplicates/dismiss", {"type": "contact", "a_id": b["id"], "b_id": a["id"]})
    assert again.status == 404 and after.css("h1")


def test_a_member_sees_only_their_pairs_and_no_scan_and_a_reader_no_actions(org):
    _world(org)
    member = add_member(org, modules={"contacts": {"read": True}, "accounts": {"read": True}})
    mine = {"rep1_id": member["user"]["id"]}
    c = _contact(org["admin"], [org["shared"]], first_name="Zoé", last_name="Fortin", phone="819 555 1212", **mine)
    d = _contact(org["admin"], [org["shared"]], first_name="Zoe", last_name="Fortin", phone="8195551212", **mine)
    eventually(lambda: ok(member["client"].get("/contacts/duplicates"))["total"], lambda total: total == 1,
               what="the member's pair")
    web = web_login(org["base_url"], member["user"]["username"])
    page = web.get("/app/duplicates")
    assert {x.get("href") for x in page.css("table.duplicates tbody td a")} == {
        f"/app/contacts/{c['id']}", f"/app/contacts/{d['id']}"}
    assert not page.css("form[action='/app/duplicates/scan']") and not page.css("a[href^='/app/merges/new']")
    assert not page.css("form[action='/app/duplicates/dismiss']")
    assert web.post("/app/duplicates/scan", {"type": "contact"}).status == 403
    other = web_login(org["base_url"], sign_up(org["base_url"])[1]["user"]["username"])
    assert not other.get("/app/duplicates").css("table.duplicates")


def test_the_record_notice_and_the_new_record_warning(org):
    a, b = _world(org)
    web = web_login(org["base_url"], org["user"]["username"])
    record = web.get(f"/app/contacts/{a['id']}")
    notice = record.one(".duplicates-notice")
    assert notice.get("hx-get") == f"/app/duplicates/notice?type=contact&record_id={a['id']}"
    fragment = web.get(f"/app/duplicates/notice?type=contact&record_id={a['id']}")
    assert fragment.texts("p.duplicates-notice a") == ["This record has probable duplicates: 1."]
    assert web.get("/app/contacts/new").css("#duplicates-check[hx-post='/app/duplicates/check?type=contact']")
    found = web.post("/app/duplicates/check?type=contact", {"first_name": "marie", "last_name": "COTE",
                                                            "email": "MARIE@pages-dupl.example"})
    assert found.status == 200
    assert {x.get("href") for x in found.css(".duplicates-warning a")} == {
        f"/app/contacts/{a['id']}", f"/app/contacts/{b['id']}"}
    assert not web.post("/app/duplicates/check?type=contact", {"last_name": "Personne"}).css(".duplicates-warning")
    other = web_login(org["base_url"], sign_up(org["base_url"])[1]["user"]["username"])
    assert not other.post("/app/duplicates/check?type=contact", {"email": MARIE["email"]}).css(".duplicates-warning")
    assert not other.get(f"/app/duplicates/notice?type=contact&record_id={a['id']}").css("p")
