"""Opportunities and the dashboard in Chromium (issue 11: "Opportunities with product lines (money as exact decimals,
totals updated as lines change), stages and sub-stages; the dashboard (D-1) with the pipeline and activities as
charts"), in French and in English: an opportunity created with two product lines (the second row added by the
``<product-lines>`` island, the totals following the typing in exact decimals), its stage edited, the dashboard
opened; every page checked (axe, CSP, console), and what was saved checked against ``/api/v1``."""
import re

import pytest
from conftest import ok
from playwright.sync_api import expect

TEXTS = {
    "fr": {"list": "Opportunités", "new": "Nouvelle opportunité", "title": "Titre", "add": "Ajouter une ligne",
           "save": "Enregistrer", "edit": "Modifier", "dashboard": "Tableau de bord", "created": "Opportunité créée.",
           "saved": "Opportunité enregistrée.", "line_total": r"59,97\s\$", "rounded": r"^10,01\s\$$",
           "total": r"60,17\s\$",
           "pipeline": "Pipeline des opportunités ouvertes", "stage80": "Acceptée"},
    "en": {"list": "Opportunities", "new": "New opportunity", "title": "Title", "add": "Add a line",
           "save": "Save", "edit": "Edit", "dashboard": "Dashboard", "created": "Opportunity created.",
           "saved": "Opportunity saved.", "line_total": r"\$59\.97", "rounded": r"^\$10\.01$",
           "total": r"\$60\.17",
           "pipeline": "Pipeline of open opportunities", "stage80": "Accepted"},
}


def _stages(admin):
    return {stage["probability"]: stage for stage in ok(admin.get("/stages"))}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_opportunity_with_two_product_lines_its_stage_edited_and_the_dashboard(open_tab, org, language):
    admin, texts = org["admin"], TEXTS[language]
    ok(admin.patch(f"/users/{org['user']['id']}", json={"language": language}))
    account = ok(admin.post("/accounts", json={"name": "Quincaillerie Roy", "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post("/contacts", json={"first_name": "Anne", "last_name": "Roy", "account_id": account["id"],
                                               "list_ids": [org["shared"]]}), 201)
    stages = _stages(admin)
    for kind in ("call", "call", "meeting"):
        ok(admin.post("/tasks", json={"type": kind, "title": "Suivi", "account_id": account["id"]}), 201)
    tab = open_tab(language)
    tab.sign_in(org["user"]["username"])
    page = tab.goto("/app/opportunities")
    expect(page.get_by_role("heading", name=texts["list"], exact=True)).to_be_visible()
    tab.check_page()

    # A boosted navigation to the form: the island's script comes with the swapped body.
    page.get_by_role("link", name=texts["new"]).click()
    expect(page.get_by_role("heading", name=texts["new"])).to_be_visible()
    expect(page.locator("#f-lines-0-quantity")).to_be_visible()
    tab.check_page()
    page.locator("#f-title").fill("Rampes d'escalier")
    page.locator("#f-account_id").focus()
    page.locator("#f-account_id").select_option(account["id"])
    # The account's contacts come with it (the contact field asked of the server again), the focus left in place.
    expect(page.locator("#f-contact_id option")).to_have_count(2)
    expect(page.locator("#f-account_id")).to_be_focused()
    page.locator("#f-contact_id").select_option(contact["id"])
    page.locator("#f-stage_id").select_option(stages[40]["id"])
    page.locator("#f-lines-0-description").fill("Rampe de chêne")
    # Exact decimals, rounded half up to the cent as O-5 stores it: 1.0005 × 10 is 10.005 -> 10.01 (a float reads
    # 10.004999… and would show 10.00).
    page.locator("#f-lines-0-quantity").fill("1.0005")
    page.locator("#f-lines-0-unit_price").fill("10")
    expect(page.locator("#f-lines-0-total")).to_have_text(re.compile(texts["rounded"]))
    page.locator("#f-lines-0-quantity").fill("3")
    page.locator("#f-lines-0-unit_price").fill("19.99")
    expect(page.locator("#f-lines-0-total")).to_have_text(re.compile(texts["line_total"]))
    expect(page.locator("[data-form-total]")).to_have_text(re.compile(texts["line_total"]))

    url = page.url
    page.get_by_role("button", name=texts["add"]).click()
    expect(page.locator("fieldset.line")).to_have_count(2)
    assert page.url == url, "the row is added in the page, not asked of the server"
    expect(page.locator("#f-lines-1-product_group")).to_be_focused()
    page.locator("#f-lines-1-quantity").fill("deux")
    page.locator("#f-lines-1-unit_price").fill("0,10")
    expect(page.locator("[data-form-total]")).to_have_text("—")
    # The API's 422 comes back on that line's field (the page swapped by htmx, the focus on the field), nothing saved.
    page.get_by_role("button", name=texts["save"]).click()
    expect(page.locator("#f-lines-1-quantity")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-lines-1-quantity")).to_be_focused()
    expect(page.get_by_role("alert")).not_to_be_empty()
    tab.check_page()
    assert ok(admin.get("/opportunities", params={"account_id": account["id"]}))["total"] == 0
    page.locator("#f-lines-1-quantity").fill("2")
    expect(page.locator("[data-form-total]")).to_have_text(re.compile(texts["total"]))
    tab.check_page()
    tab.shoot("opportunity-form")
    page.get_by_role("button", name=texts["save"]).click()
    expect(page.locator("#status")).to_have_text(texts["created"])
    tab.check_page()

    opportunity_id = page.url.rstrip("/").rsplit("/", 1)[1]
    stored = ok(admin.get(f"/opportunities/{opportunity_id}"))
    assert [line["total"] for line in stored["lines"]] == ["59.97", "0.20"] and stored["total"] == "60.17"
    assert stored["contact_id"] == contact["id"]
    expect(page.locator(f'a[href="/app/contacts/{contact["id"]}"]')).to_have_text("Anne Roy")
    expect(page.locator("table.lines td.total")).to_have_text(re.compile(texts["total"]))
    tab.shoot("opportunity")

    page.get_by_role("link", name=texts["edit"], exact=True).click()
    expect(page.locator("#f-stage_id")).to_be_visible()
    tab.check_page()
    page.locator("#f-stage_id").select_option(stages[80]["id"])
    page.get_by_role("button", name=texts["save"]).click()
    expect(page.locator("#status")).to_have_text(texts["saved"])
    expect(page.locator(".page-head .badge.stage")).to_contain_text("80")
    assert ok(admin.get(f"/opportunities/{opportunity_id}"))["probability"] == 80

    page.get_by_role("navigation").get_by_role("link", name=texts["dashboard"]).click()
    expect(page.get_by_role("heading", name=texts["pipeline"])).to_be_visible()
    dashboard = ok(admin.get("/dashboard"))
    accepted = next(row for row in dashboard["pipeline"] if row["probability"] == 80)
    assert (accepted["count"], accepted["total"]) == (1, "60.17")
    bar = page.locator(f'svg[data-chart="pipeline"] rect[data-key="{accepted["stage_id"]}"]')
    expect(bar).to_have_attribute("data-total", "60.17")
    expect(page.locator('svg[data-chart="pipeline"] rect.bar')).to_have_count(len(dashboard["pipeline"]))
    calls = page.locator('svg[data-chart="activities"] rect[data-key="call"]')
    expect(calls).to_have_attribute("data-count", str(dashboard["activities"]["call"]))
    assert dashboard["activities"]["call"] == 2
    tab.check_page()
    tab.shoot("dashboard")


def test_without_javascript_a_row_is_added_by_the_server_and_the_opportunity_saved(open_tab, org):
    admin = org["admin"]
    ok(admin.patch(f"/users/{org['user']['id']}", json={"language": "en"}))
    account = ok(admin.post("/accounts", json={"name": "Quincaillerie Roy", "list_ids": [org["shared"]]}), 201)
    tab = open_tab("en", javascript=False)
    tab.sign_in(org["user"]["username"])
    page = tab.goto(f"/app/opportunities/new?account_id={account['id']}")
    page.locator("#f-title").fill("Rampes")
    page.locator("#f-lines-0-quantity").fill("3")
    page.locator("#f-lines-0-unit_price").fill("19.99")
    page.get_by_role("button", name="Add a line").click()
    expect(page.locator("fieldset.line")).to_have_count(2)
    expect(page.locator("#f-lines-0-unit_price")).to_have_value("19.99")
    expect(page.locator("#f-lines-0-total")).to_have_text("$59.97")
    page.locator("#f-lines-1-quantity").fill("1")
    page.locator("#f-lines-1-unit_price").fill("0.03")
    page.get_by_role("button", name="Remove line 1").click()
    expect(page.locator("fieldset.line")).to_have_count(1)
    expect(page.locator("#f-lines-0-unit_price")).to_have_value("0.03")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/app/opportunities/[0-9a-f-]{36}$"))
    expect(page.get_by_role("status")).to_have_text("Opportunity created.")
    opportunity_id = page.url.rsplit("/", 1)[1]
    assert ok(admin.get(f"/opportunities/{opportunity_id}"))["total"] == "0.03"
    expect(page.locator("table.lines td.total")).to_have_text("$0.03")
