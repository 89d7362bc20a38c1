"""The opportunities pages (issue 11 "Opportunities with product lines (money as exact decimals, totals updated as
lines change), stages and sub-stages"): each page shows what the same user's ``/api/v1`` call answers (a field the
role may not read, S-3, is absent from both), another organization's opportunity is a 404, the forms write through
the API (exact decimal totals, per-field errors of its 422 on the line's field, nothing stored then), a stale version
is the API's 409 on the form, and rows are added or removed without JavaScript."""
from conftest import ApiClient, ok, web_login
from support.http import sign_up
from support.orgs import add_member, stage_id

MODULES = {module: {"read": True, "write": True, "delete": True, "export": False}
           for module in ("contacts", "accounts", "opportunities", "tasks", "dashboard")}


def _plain(text):
    """Text with the narrow and non-breaking spaces of formatted numbers as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _numbers(page):
    """Every decimal number the page's text shows ("43,98", "21.99")."""
    import re
    return set(re.findall(r"\d+[.,]\d+", _plain(page.body_text)))


def _account(org, name="Bois Tremblay"):
    return ok(org["admin"].post("/accounts", json={"name": name, "list_ids": [org["shared"]]}), 201)


def _opportunity(client, account, **extra):
    body = {"title": "Plancher", "account_id": account["id"], "stage_id": stage_id(client, 40),
            "close_date": "2026-06-30", "lines": [{"quantity": "2", "unit_price": "21.99"}], **extra}
    return ok(client.post("/opportunities", json=body), 201)


def _limited(org, fields):
    member = add_member(org, flags={"all_contacts": True})
    ok(org["admin"].put(f"/roles/{member['role']['id']}/permissions", json={"modules": MODULES, "fields": fields}))
    return member


def _form(page):
    """The form's fields as a browser would post them (inputs and selected options), with the CSRF token."""
    data = {}
    for element in page.css("form.opportunity-form input, form.opportunity-form select"):
        name = element.get("name")
        if not name or element.get("type") in ("submit", "button"):
            continue
        if element.tag == "select":
            chosen = element.cssselect("option[selected]")
            data[name] = chosen[0].get("value") if chosen else (element.cssselect("option") or [None])[0].get("value")
        else:
            data[name] = element.get("value") or ""
    return data


def test_the_list_and_record_show_only_what_the_api_answers_a_member_whose_role_hides_the_total(base_url, org):
    account = _account(org)
    created = _opportunity(org["admin"], account)
    member = _limited(org, {"opportunities.total": {"read": False, "write": False}})
    api = member["client"]
    seen = ok(api.get(f"/opportunities/{created['id']}"))
    assert "total" not in seen and "lines" not in seen and seen["probability"] == 40

    client = web_login(base_url, member["user"]["username"])
    listed = client.get("/app/opportunities")
    assert listed.status == 200
    row, = [tr for tr in listed.css("table.opportunities tbody tr")
            if tr.cssselect(f'a[href="/app/opportunities/{created["id"]}"]')]
    headers = listed.texts("table.opportunities thead th")
    assert len(headers) == len(row.cssselect("td"))
    assert not [h for h in headers if "Total" in h]
    assert not {"43,98", "43.98"} & _numbers(listed), "the hidden total shows nowhere"

    record = client.get(f"/app/opportunities/{created['id']}")
    assert record.status == 200
    assert not record.css("[data-total]") and not record.css("table.lines"), "no total, no lines (S-3 ties)"
    assert not {"43,98", "43.98", "21,99", "21.99"} & _numbers(record)
    assert record.css(f'a[href="/app/accounts/{account["id"]}"]') and "Bois Tremblay" in record.body_text
    assert "40 %" in _plain(record.body_text)
    # Its edit form has no product lines either (the API would refuse writing them: 403).
    form = client.get(f"/app/opportunities/{created['id']}/edit")
    assert form.status == 200 and not form.css("product-lines") and not form.css('[name^="lines."]')

    # The administrator's page shows what the administrator's API call answers: the lines and the exact total.
    admin_page = web_login(base_url, org["user"]["username"]).get(f"/app/opportunities/{created['id']}")
    assert ok(org["admin"].get(f"/opportunities/{created['id']}"))["total"] == "43.98"
    assert admin_page.one("[data-total]").get("data-total") == "43.98"
    assert _plain(admin_page.one("table.lines td.total").text_content()).strip() in ("43,98 $", "$43.98")


def test_another_organizations_opportunity_is_a_404_on_every_page(base_url, org):
    created = _opportunity(org["admin"], _account(org))
    other, signed = sign_up(base_url, client_class=ApiClient)
    client = web_login(base_url, signed["user"]["username"])
    assert other.get(f"/opportunities/{created['id']}").status_code == 404
    for path in ("", "/edit", "/delete"):
        page = client.get(f"/app/opportunities/{created['id']}{path}")
        assert page.status == 404, path
        assert "Plancher" not in page.body_text
    client.get("/app/opportunities")
    assert client.post(f"/app/opportunities/{created['id']}/delete").status == 404
    assert ok(org["admin"].get(f"/opportunities/{created['id']}"))["title"] == "Plancher"
    assert created["id"] not in client.get("/app/opportunities").text


def test_creating_with_two_lines_stores_and_shows_the_exact_totals(base_url, org):
    admin = org["admin"]
    account = _account(org, "Quincaillerie Roy")
    client = web_login(base_url, org["user"]["username"])
    new = client.get(f"/app/opportunities/new?account_id={account['id']}")
    assert new.status == 200
    data = _form(new)
    assert data["account_id"] == account["id"]
    data.update({"title": "Rampes", "stage_id": stage_id(admin, 60), "close_date": "2026-09-15",
                 "lines.0.description": "Rampe de chêne", "lines.0.quantity": "3", "lines.0.unit_price": "19.99"})
    # A second row, asked without JavaScript: the same form again, one row more, what was typed kept.
    more = client.post("/app/opportunities/new", {**data, "add_line": "1"})
    assert more.status == 200
    assert more.one("#f-lines-0-unit_price").get("value") == "19.99" and more.css("#f-lines-1-quantity")
    assert _plain(more.one("#f-lines-0-total").text_content()) in ("59,97 $", "$59.97")
    data = _form(more)
    data.update({"lines.1.quantity": "0.5", "lines.1.unit_price": "0,10", "lines.1.shipping": "5",
                 "lines.1.discount": "0.01"})
    created = client.post("/app/opportunities/new", data)
    assert created.status == 303, created.body_text[:500]
    opportunity_id = created.location.rsplit("/", 1)[1]
    stored = ok(admin.get(f"/opportunities/{opportunity_id}"))
    assert [line["total"] for line in stored["lines"]] == ["59.97", "5.04"]
    assert stored["total"] == "65.01" and stored["title"] == "Rampes" and stored["close_date"] == "2026-09-15"
    page = client.follow(created)
    assert page.status == 200
    assert page.one("[data-total]").get("data-total") == "65.01"
    shown = [_plain(cell.text_content()).strip() for cell in page.css("table.lines td.line-total")]
    assert shown in (["59,97 $", "5,04 $"], ["$59.97", "$5.04"])
    assert page.one("#status").text_content().strip() in ("Opportunité créée.", "Opportunity created.")


def test_a_bad_quantity_re_renders_the_form_with_the_error_on_that_line_and_stores_nothing(base_url, org):
    admin = org["admin"]
    account = _account(org)
    client = web_login(base_url, org["user"]["username"])
    data = _form(client.get(f"/app/opportunities/new?account_id={account['id']}"))
    data.update({"title": "Escalier", "lines.0.quantity": "2", "lines.0.unit_price": "10",
                 "lines.1.quantity": "deux", "lines.1.unit_price": "10"})
    page = client.post("/app/opportunities/new", data)
    assert page.status == 422
    bad = page.one("#f-lines-1-quantity")
    assert bad.get("aria-invalid") == "true" and bad.get("value") == "deux"
    assert "f-lines-1-quantity-error" in bad.get("aria-describedby")
    assert page.css("#f-lines-1-quantity-error li")
    assert page.one("#f-lines-0-quantity").get("aria-invalid") is None
    assert page.one(".error-summary").get("role") == "alert"
    assert page.one("#f-title").get("value") == "Escalier"
    assert ok(admin.get("/opportunities", params={"account_id": account["id"]}))["total"] == 0


def test_editing_the_stage_removing_a_line_a_stale_version_and_deleting(base_url, org):
    admin = org["admin"]
    account = _account(org)
    created = _opportunity(admin, account, lines=[{"quantity": "1", "unit_price": "10"},
                                                  {"quantity": "2", "unit_price": "2.50"}])
    client = web_login(base_url, org["user"]["username"])
    form = client.get(f"/app/opportunities/{created['id']}/edit")
    assert form.status == 200
    data = _form(form)
    assert data["version"] == str(created["version"]) and data["lines.1.unit_price"] == "2.50"
    # Remove the first row without JavaScript: the second one becomes row 0.
    fewer = client.post(f"/app/opportunities/{created['id']}/edit", {**data, "remove_line": "0"})
    assert fewer.status == 200 and not fewer.css("#f-lines-1-quantity")
    assert fewer.one("#f-lines-0-unit_price").get("value") == "2.50"
    data = _form(fewer)
    data["stage_id"] = stage_id(admin, 80)
    saved = client.post(f"/app/opportunities/{created['id']}/edit", data)
    assert saved.status == 303
    stored = ok(admin.get(f"/opportunities/{created['id']}"))
    assert stored["probability"] == 80 and stored["total"] == "5.00" and len(stored["lines"]) == 1
    assert stored["title"] == "Plancher" and stored["close_date"] == "2026-06-30"

    # The form read before someone else's change: the API's 409, shown on the form, nothing written.
    stale = _form(client.get(f"/app/opportunities/{created['id']}/edit"))
    ok(admin.patch(f"/opportunities/{created['id']}", json={"title": "Plancher de bois", "version": stored["version"]}))
    conflict = client.post(f"/app/opportunities/{created['id']}/edit", {**stale, "title": "Autre titre"})
    assert conflict.status == 409
    assert conflict.one(".error-summary").get("role") == "alert" and conflict.one(".error-summary p").text_content()
    assert conflict.css(f'a[href="/app/opportunities/{created["id"]}/edit"]')
    assert ok(admin.get(f"/opportunities/{created['id']}"))["title"] == "Plancher de bois"

    # Delete: a confirmation page, then the post; the opportunity is gone from the API.
    confirm = client.get(f"/app/opportunities/{created['id']}/delete")
    assert confirm.status == 200
    button = confirm.one("form button.danger").text_content().strip()
    assert button in ("Supprimer l'opportunité", "Delete the opportunity")
    deleted = client.post(f"/app/opportunities/{created['id']}/delete")
    assert deleted.status == 303 and deleted.location.endswith("/app/opportunities")
    assert admin.get(f"/opportunities/{created['id']}").status_code == 404


def test_the_list_filters_by_stage_and_pages_as_the_api_does(base_url, org):
    admin = org["admin"]
    account = _account(org)
    first = _opportunity(admin, account, title="Premier")
    _opportunity(admin, account, title="Deuxième", stage_id=stage_id(admin, 60))
    third = _opportunity(admin, account, title="Troisième", close_date="2026-01-15")
    client = web_login(base_url, org["user"]["username"])
    stage = stage_id(admin, 40)
    page = client.get(f"/app/opportunities?stage={stage}&per_page=25")
    expected = [item["id"] for item in ok(admin.get("/opportunities", params={"stage": stage}))["items"]]
    assert expected == [third["id"], first["id"]], "O-4: the soonest close date first"
    shown = [a.get("href").rsplit("/", 1)[1] for a in page.css("table.opportunities tbody td:first-child a")]
    assert shown == expected
    assert page.one("#f-stage option[selected]").get("value") == stage
    one_per_page = client.get(f"/app/opportunities?stage={stage}&per_page=1&page=2")
    assert one_per_page.status == 200
    second_page = ok(admin.get("/opportunities", params={"stage": stage, "per_page": 1, "page": 2}))["items"]
    listed = [a.get("href").rsplit("/", 1)[1] for a in one_per_page.css("table.opportunities tbody td:first-child a")]
    assert listed == [item["id"] for item in second_page]
    assert one_per_page.css('.pager a[rel="prev"]') and not one_per_page.css('.pager a[rel="next"]')


def test_a_member_whose_role_hides_the_stage_sees_no_stage_probability_nor_stage_filter(base_url, org):
    created = _opportunity(org["admin"], _account(org))
    member = _limited(org, {"opportunities.stage_id": {"read": False, "write": False}})
    seen = ok(member["client"].get(f"/opportunities/{created['id']}"))
    assert not {"stage_id", "probability", "substage_id"} & set(seen) and seen["total"] == "43.98"
    client = web_login(base_url, member["user"]["username"])
    listed = client.get("/app/opportunities")
    assert listed.status == 200 and not listed.css("#f-stage")
    assert listed.css(f'a[href="/app/opportunities/{created["id"]}"]')
    assert not listed.css("table.opportunities .badge.stage") and "40 %" not in _plain(listed.body_text)
    record = client.get(f"/app/opportunities/{created['id']}")
    assert not record.css(".badge.stage") and "40 %" not in _plain(record.body_text)
    assert "Soumission envoyée" not in record.body_text and "Quote sent" not in record.body_text
    assert record.one("[data-total]").get("data-total") == seen["total"]
    form = client.get(f"/app/opportunities/{created['id']}/edit")
    assert not form.css("#f-stage_id") and not form.css("#f-substage_id") and form.css("#f-title")


def test_the_account_search_of_the_form_offers_the_accounts_it_finds_without_javascript(base_url, org):
    _account(org, "Quincaillerie Roy")
    wanted = _account(org, "Boulangerie Côté")
    client = web_login(base_url, org["user"]["username"])
    data = {**_form(client.get("/app/opportunities/new")), "title": "Pains", "account_q": "Boulangerie",
            "find_account": "1"}
    found = client.post("/app/opportunities/new", data)
    assert found.status == 200
    options = {o.get("value"): o.text_content() for o in found.css("#f-account_id option") if o.get("value")}
    assert options == {wanted["id"]: "Boulangerie Côté"}
    assert found.one("#f-title").get("value") == "Pains"


def test_a_contact_the_member_cannot_see_shows_no_name_and_an_edit_keeps_it(base_url, org):
    admin = org["admin"]
    account = _account(org)
    hidden = ok(admin.post("/contacts", json={"first_name": "Luc", "last_name": "Émond", "account_id": account["id"],
                                              "list_ids": [org["closed"]]}), 201)
    seen = ok(admin.post("/contacts", json={"first_name": "Anne", "last_name": "Roy", "account_id": account["id"],
                                            "list_ids": [org["shared"]]}), 201)
    created = _opportunity(admin, account, contact_id=hidden["id"])
    member = _limited(org, {})
    assert ok(member["client"].get(f"/opportunities/{created['id']}"))["contact_name"] is None
    client = web_login(base_url, member["user"]["username"])
    record = client.get(f"/app/opportunities/{created['id']}")
    assert "Émond" not in record.body_text and not record.css(f'a[href="/app/contacts/{hidden["id"]}"]')
    form = client.get(f"/app/opportunities/{created['id']}/edit")
    contacts = {o.get("value"): o.text_content() for o in form.css("#f-contact_id option") if o.get("value")}
    assert set(contacts) == {hidden["id"], seen["id"]} and "Émond" not in contacts[hidden["id"]]
    assert contacts[seen["id"]] == "Anne Roy"
    saved = client.post(f"/app/opportunities/{created['id']}/edit", {**_form(form), "title": "Plancher de chêne"})
    assert saved.status == 303
    stored = ok(admin.get(f"/opportunities/{created['id']}"))
    assert (stored["title"], stored["contact_id"]) == ("Plancher de chêne", hidden["id"])


def test_the_opportunities_of_one_account_as_its_page_links_to_them(base_url, org):
    admin = org["admin"]
    account, other = _account(org), _account(org, "Quincaillerie Roy")
    mine = _opportunity(admin, account)
    _opportunity(admin, other, title="Ailleurs")
    client = web_login(base_url, org["user"]["username"])
    page = client.get(f"/app/opportunities?account_id={account['id']}")
    assert page.status == 200
    expected = [item["id"] for item in ok(admin.get("/opportunities", params={"account_id": account["id"]}))["items"]]
    assert expected == [mine["id"]]
    assert [a.get("href").rsplit("/", 1)[1] for a in page.css("table.opportunities tbody td:first-child a")] == expected
    assert page.one('form[role=search] input[name="account_id"]').get("value") == account["id"]
    assert page.css(f'a[href="/app/opportunities/new?account_id={account["id"]}"]')


def test_a_search_the_api_refuses_is_its_problem_on_the_list_page(base_url, org):
    member = _limited(org, {"opportunities.title": {"read": False}})
    client = web_login(base_url, member["user"]["username"])
    assert member["client"].get("/opportunities", params={"q": "Planch"}).status_code == 403
    refused = client.get("/app/opportunities?q=Planch")
    assert refused.status == 403
    assert refused.one(".error-summary").get("role") == "alert" and refused.one(".error-summary p").text_content()
    assert not refused.css("#f-q"), "no search box is offered for a field the role may not read"
