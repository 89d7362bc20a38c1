"""The contacts and accounts list pages (issue 11, A1): layout columns and sort (C-15), capped totals, the search
(C-11) and its errors, saved filters (C-12), the selected lists (L-2), bulk actions (C-9) and the export job (C-18,
N-4), driven as a browser without JavaScript would, each checked against what ``/api/v1`` answers the same user.

The suite's system has ``EXPORT_SYNC_MAX_ROWS=2`` (conftest.py), so an export of three contacts is a job."""
import json

import sqlalchemy as sa
from conftest import add_member, login, ok, web_login
from support.http import ApiClient, sign_up

from carnet_common.config import sqlalchemy_url
from carnet_testing import eventually


def _speak(client, user, language):
    ok(client.patch(f"/users/{user['id']}", json={"language": language}))


def _contact(client, lists, **fields):
    return ok(client.post("/contacts", json={"list_ids": lists, **fields}), 201)


def _admin_page(org, language="fr"):
    _speak(org["admin"], org["user"], language)
    return web_login(org["base_url"], org["user"]["username"])


def _row_links(page):
    return [a.get("href") for a in page.css("#results table.records tbody tr td:nth-child(2) a")]


def test_the_list_shows_the_layout_columns_with_custom_labels_sort_links_and_record_links(org, base_url):
    admin = org["admin"]
    ok(admin.post("/custom-fields/contacts", json={"key": "secteur", "type": "text", "label_fr": "Secteur",
                                                   "label_en": "Industry"}), 201)
    ok(admin.put("/layouts/contacts", json={"columns": [["last_name", "first_name"], ["custom.secteur"],
                                                        ["city"]]}))
    made = [_contact(admin, [org["shared"]], last_name=name, first_name="Ana", city=city,
                     custom={"secteur": sector})
            for name, city, sector in (("Bouchard", "Québec", "Bois"), ("Auclair", "Sherbrooke", "Acier"),
                                       ("Cloutier", "Amos", "Mines"))]
    web = _admin_page(org, "en")
    page = web.get("/app/contacts")
    assert page.status == 200
    assert page.texts("#results thead th:not(.select)") == ["Last name", "Industry", "City"]
    assert "3 records" in page.one("#list-total").text_content()
    by_name = {m["last_name"]: m["id"] for m in made}
    assert _row_links(page) == [f"/app/contacts/{by_name[n]}" for n in ("Auclair", "Bouchard", "Cloutier")]
    assert page.texts("#results tbody tr td:nth-child(3)") == ["Acier", "Bois", "Mines"]
    # sort on a column title: ascending, then descending (C-15), as the API sorts
    city_link = page.css("#results thead th a")[2].get("href")
    assert "sort=city" in city_link
    page = web.get(city_link)
    assert page.texts("#results tbody tr td:nth-child(4)") == ["Amos", "Québec", "Sherbrooke"]
    assert page.css("#results thead th")[3].get("aria-sort") == "ascending"
    descending = page.css("#results thead th a")[2].get("href")
    assert "sort=-city" in descending
    page = web.get(descending)
    assert page.texts("#results tbody tr td:nth-child(4)") == ["Sherbrooke", "Québec", "Amos"]
    api = ok(admin.get("/contacts", params={"sort": "-city"}))
    assert [f"/app/contacts/{item['id']}" for item in api["items"]] == _row_links(page)
    # accounts: the same page for the other module
    account = ok(admin.post("/accounts", json={"name": "Scierie Roy", "city": "Alma", "list_ids": [org["shared"]]}),
                 201)
    page = web.get("/app/accounts")
    assert page.status == 200 and page.one("h1").text_content() == "Accounts"
    assert page.css(f'#results a[href="/app/accounts/{account["id"]}"]')[0].text_content().strip() == "Scierie Roy"


def test_pages_follow_the_api_and_reps_are_shown_by_name(org, base_url):
    admin = org["admin"]
    ok(admin.put("/layouts/contacts", json={"columns": [["last_name"], ["rep1_id"]]}))
    for name in ("Asselin", "Bédard", "Caron"):
        _contact(admin, [org["shared"]], last_name=name)
    web = _admin_page(org, "fr")
    first = web.get("/app/contacts?per_page=2")
    assert first.status == 200
    assert first.texts("#results tbody tr td:nth-child(2)") == ["Asselin", "Bédard"]
    assert set(first.texts("#results tbody tr td:nth-child(3)")) == {org["user"]["full_name"]}
    assert first.texts(".pager span") == ["Page 1 de 2"]
    second = web.get(first.one(".pager a[rel=next]").get("href"))
    assert second.texts("#results tbody tr td:nth-child(2)") == ["Caron"]
    assert second.texts(".pager span") == ["Page 2 de 2"] and second.css(".pager a[rel=prev]")
    api = ok(admin.get("/contacts", params={"per_page": 2, "page": 2}))
    assert [f"/app/contacts/{item['id']}" for item in api["items"]] == _row_links(second)


def _copies(stack, contact_id, count):
    """``count`` copies of a contact straight in the database (the API creates one at a time), in its lists."""
    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    try:
        with engine.begin() as conn:
            columns = [row[0] for row in conn.execute(sa.text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'contacts' "
                "AND table_name = :t ORDER BY ordinal_position"), {"t": "contacts"})]
            chosen = ", ".join("c.id || '-' || g" if c == "id" else f"c.{c}" for c in columns)
            conn.execute(sa.text(f"INSERT INTO contacts.contacts ({', '.join(columns)}) SELECT {chosen} "
                                 "FROM contacts.contacts c, generate_series(1, :n) g WHERE c.id = :id"),
                         {"n": count, "id": contact_id})
            members = [row[0] for row in conn.execute(sa.text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'contacts' "
                "AND table_name = 'list_members' ORDER BY ordinal_position"))]
            chosen = ", ".join("m.contact_id || '-' || g" if c == "contact_id" else f"m.{c}" for c in members)
            conn.execute(sa.text(f"INSERT INTO contacts.list_members ({', '.join(members)}) SELECT {chosen} "
                                 "FROM contacts.list_members m, generate_series(1, :n) g WHERE m.contact_id = :id"),
                         {"n": count, "id": contact_id})
            conn.execute(sa.text("ANALYZE contacts.contacts"))
    finally:
        engine.dispose()


def test_a_capped_total_reads_10_000_plus_as_the_api_says_it_is_capped(org, stack):
    admin = org["admin"]
    first = _contact(admin, [org["shared"]], last_name="Nombreux")
    _copies(stack, first["id"], 10_001)
    answer = ok(admin.get("/contacts"))
    assert answer["total_capped"] is True
    page = _admin_page(org, "fr").get("/app/contacts")
    assert page.status == 200
    total = " ".join(page.one("#list-total").text_content().split())   # French groups with a no-break space
    assert total == f"{answer['total']:,}".replace(",", " ") + "+ fiches"
    en = _admin_page(org, "en").get("/app/contacts")
    assert " ".join(en.one("#list-total").text_content().split()) == f"{answer['total']:,}+ records"


def test_a_prefixed_search_narrows_the_list_and_a_bad_prefix_is_shown_as_the_apis_422(org, base_url):
    admin = org["admin"]
    wanted = _contact(admin, [org["shared"]], last_name="Gagnon", title="Directrice des ventes")
    _contact(admin, [org["shared"]], last_name="Gagné", title="Comptable")
    web = _admin_page(org, "fr")
    page = web.get("/app/contacts?q=t:directrice")
    assert page.status == 200
    assert _row_links(page) == [f"/app/contacts/{wanted['id']}"]
    assert page.one("#f-q").get("value") == "t:directrice"
    assert page.one("#f-q").get("hx-trigger") == "input changed delay:300ms"
    # the help popover lists every prefix of C-11
    assert page.texts("details.help table.prefixes th[scope=row]") == [
        "t:", "p:", "r1:", "r2:", "c:", "a:", "e:", "id:", "s:"]
    bad = web.get("/app/contacts?q=s:peut-etre")
    api = admin.get("/contacts", params={"q": "s:peut-etre"})
    assert bad.status == api.status_code == 422
    alert = bad.one("#results [role=alert]")
    assert alert.get("hidden") is None and alert.text_content().strip()
    assert bad.one("#f-q").get("aria-invalid") == "true"
    assert bad.texts("#f-q-error li") == [api.json()["errors"]["q"][0]]


def test_a_member_who_may_not_read_a_field_never_sees_its_column_values_or_search(org, base_url):
    admin = org["admin"]
    ok(admin.put("/layouts/contacts", json={"columns": [["last_name"], ["title"], ["email"]]}))
    member = add_member(org)
    _contact(admin, [org["shared"]], last_name="Secret", title="Trésorière confidentielle", email="s@example.com",
             rep1_id=member["user"]["id"])
    modules = {m: {"read": True, "write": True, "delete": False, "export": False} for m in ("contacts", "accounts")}
    ok(admin.put(f"/roles/{member['role']['id']}/permissions", json={
        "modules": modules, "fields": {"contacts.title": {"read": False, "write": False}}}))
    _speak(admin, member["user"], "fr")
    client = ApiClient(base_url, token=login(base_url, member["user"]["username"]))
    api = ok(client.get("/contacts"))
    assert api["total"] == 1 and "title" not in api["items"][0]
    web = web_login(base_url, member["user"]["username"])
    page = web.get("/app/contacts")
    assert page.status == 200
    assert page.texts("#results thead th:not(.select)") == ["Nom", "Courriel"]
    assert "Trésorière" not in page.text and "Secret" in page.body_text
    # the filter builder does not offer it either, and a search on it is the API's 403, shown on the page
    fields = json.loads(page.one("filter-builder").get("data-fields"))
    assert "title" not in {f["field"] for f in fields} and "last_name" in {f["field"] for f in fields}
    refused = web.get("/app/contacts?q=t:tres")
    assert refused.status == client.get("/contacts", params={"q": "t:tres"}).status_code == 403
    assert "Trésorière" not in refused.text and refused.one("#results [role=alert]").text_content().strip()


def test_selected_lists_are_changed_through_the_api_and_another_organizations_list_is_refused(org, base_url):
    member = add_member(org, lists=[org["shared"]])
    client = member["client"]
    ok(org["admin"].put(f"/lists/{org['closed']}/grants", json={"user_ids": [member["user"]["id"]]}))
    other, _ = sign_up(base_url, client_class=ApiClient)
    foreign = ok(other.post("/lists", json={"name": "Ailleurs"}), 201)
    web = web_login(base_url, member["user"]["username"])
    page = web.get("/app/contacts")
    boxes = {box.get("value"): box.get("checked") is not None for box in page.css("aside input[name=list_ids]")}
    assert boxes == {org["shared"]: True, org["closed"]: False}
    assert foreign["id"] not in page.text
    refused = web.post("/app/selected-lists", {"list_ids": [org["shared"], foreign["id"]], "next": "/app/contacts",
                                               "module": "contacts"})
    assert refused.status == 422
    assert refused.one("#results [role=alert]").text_content().strip()
    assert ok(client.get("/me/selected-lists"))["list_ids"] == [org["shared"]]
    done = web.post("/app/selected-lists", {"list_ids": [org["closed"]], "next": "/app/accounts",
                                            "module": "accounts"})
    assert done.status == 303 and done.location.endswith("/app/accounts")
    assert ok(client.get("/me/selected-lists"))["list_ids"] == [org["closed"]]
    after = web.follow(done)
    assert after.texts("#status p") and [b.get("value") for b in after.css("aside input[checked]")] == [org["closed"]]


def test_bulk_copy_to_a_list_works_and_another_organizations_ids_are_not_touched(org, base_url):
    admin = org["admin"]
    one = _contact(admin, [org["shared"]], last_name="Un")
    two = _contact(admin, [org["shared"]], last_name="Deux")
    other, _ = sign_up(base_url, client_class=ApiClient)
    other_list = ok(other.post("/lists", json={"name": "Ailleurs"}), 201)["id"]
    foreign = _contact(other, [other_list], last_name="Étranger")
    web = _admin_page(org, "fr")
    page = web.get("/app/contacts")
    assert {box.get("value") for box in page.css("input[name=ids]")} == {one["id"], two["id"]}
    done = web.post("/app/contacts/bulk", {"action": "copy_to_list", "ids": [one["id"], two["id"]],
                                           "list_id": org["closed"], "next": "/app/contacts"})
    assert done.status == 303
    assert web.follow(done).texts("#status p") == ["Fait : 2 fiche(s) changée(s)."]
    for made in (one, two):
        assert set(ok(admin.get(f"/contacts/{made['id']}"))["list_ids"]) == {org["shared"], org["closed"]}
    refused = web.post("/app/contacts/bulk", {"action": "copy_to_list", "ids": [foreign["id"]],
                                              "list_id": org["closed"], "next": "/app/contacts"})
    assert refused.status == 303
    assert web.follow(refused).texts("#status p") == ["Fiches cochées introuvables (1) : rien n'a été fait."]
    assert ok(other.get(f"/contacts/{foreign['id']}"))["list_ids"] == [other_list]
    # another organization's list as the target: the API's refusal, on the page
    wrong = web.post("/app/contacts/bulk", {"action": "copy_to_list", "ids": [one["id"]], "list_id": other_list,
                                            "next": "/app/contacts"})
    assert wrong.status in (404, 422) and wrong.one("#results [role=alert]").text_content().strip()
    assert other_list not in ok(admin.get(f"/contacts/{one['id']}"))["list_ids"]
    # move, then delete to the trash
    moved = web.post("/app/contacts/bulk", {"action": "move_to_list", "ids": [one["id"]], "list_id": org["closed"],
                                            "from_list_id": org["shared"], "next": "/app/contacts"})
    assert moved.status == 303
    assert ok(admin.get(f"/contacts/{one['id']}"))["list_ids"] == [org["closed"]]
    deleted = web.post("/app/contacts/bulk", {"action": "delete", "ids": [two["id"]], "next": "/app/contacts"})
    assert deleted.status == 303 and admin.get(f"/contacts/{two['id']}").status_code == 404
    assert two["id"] not in web.follow(deleted).text
    # a delete that also deletes the accounts it leaves without contacts (C-10)
    account = ok(admin.post("/accounts", json={"name": "Seule", "list_ids": [org["shared"]]}), 201)
    alone = _contact(admin, [org["shared"]], last_name="Seul", account_id=account["id"])
    assert web.get("/app/contacts").css("input[name=delete_empty_accounts]")
    deleted = web.post("/app/contacts/bulk", {"action": "delete", "ids": [alone["id"]], "delete_empty_accounts": "true",
                                              "next": "/app/contacts"})
    assert deleted.status == 303 and admin.get(f"/accounts/{account['id']}").status_code == 404


def test_a_saved_filter_is_saved_applied_and_deleted(org, base_url):
    admin = org["admin"]
    wanted = _contact(admin, [org["shared"]], last_name="Lavoie", city="Gaspé")
    _contact(admin, [org["shared"]], last_name="Roy", city="Laval")
    criteria = {"op": "or", "items": [{"field": "city", "cmp": "starts_with", "value": "gas"},
                                      {"field": "last_name", "cmp": "eq", "value": "nobody"}]}
    web = _admin_page(org, "fr")
    page = web.get("/app/contacts", params={"criteria": json.dumps(criteria)})
    assert _row_links(page) == [f"/app/contacts/{wanted['id']}"]
    assert json.loads(page.one("filter-builder textarea").text_content()) == criteria
    saved = web.post("/app/contacts/filters", {"name": "Gaspésie", "criteria": json.dumps(criteria)})
    assert saved.status == 303
    filters = ok(admin.get("/filters/contacts"))
    assert [(f["name"], f["criteria"]) for f in filters] == [("Gaspésie", criteria)]
    applied = web.follow(saved)
    assert _row_links(applied) == [f"/app/contacts/{wanted['id']}"]
    assert applied.texts(".filter-chips a[aria-current]") == ["Gaspésie"]
    bad = web.get("/app/contacts", params={"criteria": '{"op": "and", "items": [{"field": "nope", "cmp": "eq"}]}'})
    assert bad.status == 422 and bad.one("#f-criteria").get("aria-invalid") == "true"
    # another user's saved filter: neither applied nor deleted (the API's 404)
    member = add_member(org)
    member_web = web_login(base_url, member["user"]["username"])
    assert member_web.get(f"/app/contacts?filter_id={filters[0]['id']}").status == 404
    assert member_web.post(f"/app/contacts/filters/{filters[0]['id']}/delete", {}).status == 404
    assert len(ok(admin.get("/filters/contacts"))) == 1
    gone = web.post(f"/app/contacts/filters/{filters[0]['id']}/delete", {})
    assert gone.status == 303 and ok(admin.get("/filters/contacts")) == []


def test_the_export_job_page_follows_the_job_to_done_and_the_download_is_an_xlsx(org, base_url):
    admin = org["admin"]
    for name in ("Alpha", "Bêta", "Gamma"):
        _contact(admin, [org["shared"]], last_name=name)
    web = _admin_page(org, "en")
    small = web.get("/app/contacts/export?q=alpha")   # one row: the file is the answer, no job
    assert small.status == 200 and small.response.content[:2] == b"PK"
    started = web.get("/app/contacts/export")
    assert started.status == 303 and "/app/jobs/" in started.location
    first = web.follow(started)
    assert first.status == 200
    status = first.one("[data-status]").get("data-status")
    if status != "done":
        assert first.one("#job-progress").get("hx-trigger") == "every 1s"
        assert first.css("#job-progress a[href^='/app/jobs/']")
    job_path = started.location[started.location.index("/app/jobs/"):]
    done = eventually(lambda: web.get(job_path), lambda p: p.one("[data-status]").get("data-status") == "done",
                      what="the job page saying done")
    assert done.one("#job-progress").get("hx-trigger") is None
    link = done.one("#job-progress a[download]").get("href")
    assert link == job_path + "/download"
    download = web.get(link)
    assert download.status == 200
    assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert download.response.content[:2] == b"PK"
    # another organization's user: the job and its file are a 404, as from the API
    stranger, created = sign_up(base_url, client_class=ApiClient)
    other_web = web_login(base_url, created["user"]["username"])
    job_id = job_path.rsplit("/", 1)[1]
    assert stranger.get(f"/jobs/{job_id}").status_code == 404
    assert other_web.get(job_path).status == 404 and other_web.get(link).status == 404
