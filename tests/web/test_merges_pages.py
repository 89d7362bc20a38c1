"""Merge pages (C-20, issue 12 "the field-by-field merge preview and undo"): "Merge with…" on a record, the preview
with a radio per field (both languages), the merge with a chosen value, the result page and the list with Undo; the
API is the judge (another organization: 404; a role without delete: no action, and its post refused; a hidden field:
absent from the preview as from the API's)."""
from conftest import add_member, ok, web_login
from support.http import sign_up

ALL = {"read": True, "write": True, "delete": True, "export": False}


def _contact(org, **fields):
    return ok(org["admin"].post("/contacts", json={"list_ids": [org["shared"]], **fields}), 201)


def _radios(page, field):
    return {radio.get("value"): radio.get("checked") is not None
            for radio in page.css(f'input[type=radio][name="field:{field}"]')}


def test_preview_merge_result_and_undo_in_both_languages(base_url, org):
    for language, texts in (("fr", ("Fusionner deux fiches", "Fiche conservée", "Les fiches ont été fusionnées.",
                                     "Annuler la fusion", "La fusion a été annulée.")),
                            ("en", ("Merge two records", "Kept record", "The records were merged.",
                                    "Undo the merge", "The merge was undone."))):
        winner = _contact(org, first_name="Lise", last_name="Roy", title="PDG")
        loser = _contact(org, last_name="Roy", email="lise@example.com", title="Présidente")
        web = web_login(base_url, org["user"]["username"], language=language)
        record = web.get(f"/app/contacts/{winner['id']}")
        assert record.css(f'a[href="/app/merges/new?type=contact&ids={winner["id"]}"]')
        page = web.get(f"/app/merges/new?type=contact&ids={winner['id']},{loser['id']}")
        assert page.status == 200 and page.one("h1").text_content().strip() == texts[0]
        assert texts[1] in page.body_text
        assert _radios(page, "email") == {"winner": False, "loser": True}
        assert set(_radios(page, "title")) == {"winner", "loser"}
        form = {"type": "contact", "winner_id": winner["id"], "loser_id": loser["id"],
                "winner_version": str(winner["version"]), "loser_version": str(loser["version"]),
                "field:title": "winner"}
        done = web.post("/app/merges", form)
        assert done.status == 303
        merge_id = done.location.rsplit("/", 1)[-1]
        result = web.follow(done)
        assert texts[2] in result.body_text and texts[3] in result.body_text
        kept = ok(org["admin"].get(f"/contacts/{winner['id']}"))
        assert (kept["title"], kept["email"]) == ("PDG", "lise@example.com")
        assert org["admin"].get(f"/contacts/{loser['id']}").status_code == 404
        listing = web.get("/app/merges")
        assert listing.css(f'a[href="/app/merges/{merge_id}"]') and listing.css(
            f'form[action="/app/merges/{merge_id}/undo"]')
        result.one(f'form[action="/app/merges/{merge_id}/undo"]')
        undone = web.post(f"/app/merges/{merge_id}/undo", {})
        assert undone.status == 303 and texts[4] in web.follow(undone).body_text
        assert ok(org["admin"].get(f"/contacts/{loser['id']}"))["title"] == "Présidente"


def test_the_api_is_the_judge(base_url, org):
    winner, loser = _contact(org, last_name="Un"), _contact(org, last_name="Deux", email="deux@example.com")
    stranger, created = sign_up(base_url)
    other = web_login(base_url, created["user"]["username"])
    assert other.get(f"/app/merges/new?type=contact&ids={winner['id']},{loser['id']}").status == 404
    writer = add_member(org, modules={"contacts": {"read": True, "write": True, "delete": False}},
                        flags={"all_contacts": True})
    web = web_login(base_url, writer["user"]["username"])
    assert web.get(f"/app/contacts/{winner['id']}").css('a[href^="/app/merges/new"]') == []
    refused = web.post("/app/merges", {"type": "contact", "winner_id": winner["id"], "loser_id": loser["id"],
                                       "winner_version": "1", "loser_version": "1"})
    assert refused.status == 403
    hidden = add_member(org, modules={"contacts": ALL}, flags={"all_contacts": True})
    ok(org["admin"].put(f"/roles/{hidden['role']['id']}/permissions", json={
        "modules": {"contacts": ALL}, "fields": {"contacts.email": {"read": False, "write": False}}}))
    page = web_login(base_url, hidden["user"]["username"]).get(
        f"/app/merges/new?type=contact&ids={winner['id']},{loser['id']}")
    assert page.status == 200 and _radios(page, "email") == {} and "deux@example.com" not in page.body_text
    assert ok(org["admin"].get(f"/contacts/{loser['id']}"))["email"] == "deux@example.com"


def test_the_preview_names_reps_and_accounts_not_their_ids(base_url, org):
    account = ok(org["admin"].post("/accounts", json={"name": "Scierie Nord", "list_ids": [org["shared"]]}), 201)
    user = ok(org["admin"].get(f"/users/{org['user']['id']}"))
    winner = _contact(org, last_name="Roy", rep1_id=None)
    loser = _contact(org, last_name="Roy", rep1_id=user["id"], account_id=account["id"])
    page = web_login(base_url, org["user"]["username"], language="fr").get(
        f"/app/merges/new?type=contact&ids={winner['id']},{loser['id']}")
    assert page.status == 200
    text = page.body_text
    assert user["full_name"] in text and "Scierie Nord" in text
    assert user["id"] not in text and account["id"] not in text
