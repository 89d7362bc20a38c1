"""The dashboard page (D-1; issue 11 "the dashboard (D-1) with the pipeline and activities as charts"): its charts
are inline SVG drawn from the figures of the same user's ``GET /api/v1/dashboard`` (one bar per open stage, one per
task type, with the API's counts and amounts), each beside a table of the same figures; a figure the role may not
read (S-3) is absent from both; the period is the API's (a bad one is its 422 on the field)."""
import re

from conftest import ok, web_login
from support.orgs import add_member, stage_id

MODULES = {module: {"read": True, "write": True, "delete": False, "export": False}
           for module in ("contacts", "accounts", "opportunities", "tasks", "dashboard")}


def _plain(text):
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _setup(org):
    admin = org["admin"]
    account = ok(admin.post("/accounts", json={"name": "Bois Tremblay", "list_ids": [org["shared"]]}), 201)
    for probability, price in ((25, "19.99"), (25, "100.01"), (60, "1234.50")):
        ok(admin.post("/opportunities", json={"title": "Vente", "account_id": account["id"],
                                              "stage_id": stage_id(admin, probability),
                                              "lines": [{"quantity": "3", "unit_price": price}]}), 201)
    for kind in ("call", "call", "meeting"):
        ok(admin.post("/tasks", json={"type": kind, "title": "Suivi", "account_id": account["id"]}), 201)
    return account


def _bars(page, chart):
    svg = page.one(f'svg[data-chart="{chart}"]')
    assert svg.get("role") == "img" and svg.get("aria-labelledby")
    title = svg.cssselect("title")[0]
    assert title.get("id") == svg.get("aria-labelledby") and title.text_content().strip()
    return {rect.get("data-key"): rect for rect in svg.cssselect("rect.bar")}


def test_the_pipeline_chart_has_one_bar_per_open_stage_with_the_api_s_figures(base_url, org):
    _setup(org)
    # The stages' labels in the page's language (the user's profile: French).
    api = ok(org["admin"].get("/dashboard", headers={"Accept-Language": "fr"}))
    client = web_login(base_url, org["user"]["username"])
    page = client.get("/app/dashboard")
    assert page.status == 200
    bars = _bars(page, "pipeline")
    assert list(bars) == [row["stage_id"] for row in api["pipeline"]], "one bar per open stage, in order"
    assert len(bars) == 6
    for row in api["pipeline"]:
        bar = bars[row["stage_id"]]
        assert (int(bar.get("data-count")), bar.get("data-total")) == (row["count"], row["total"])
        assert row["label"] in bar.cssselect("title")[0].text_content()
    by_probability = {row["probability"]: row for row in api["pipeline"]}
    assert (by_probability[25]["count"], by_probability[25]["total"]) == (2, "360.00")
    assert by_probability[60]["total"] == "3703.50"
    # The bars' lengths follow the amounts: the largest is the longest, an empty stage draws none.
    widths = {row["probability"]: float(bars[row["stage_id"]].get("width")) for row in api["pipeline"]}
    assert widths[60] == max(widths.values()) and widths[10] == 0 and 0 < widths[25] < widths[60]
    # The text beside each bar and the table beside the chart show the API's exact amounts.
    texts = _plain(" ".join(page.texts('svg[data-chart="pipeline"] text.bar-value')))
    assert ("3 703,50 $" in texts) or ("$3,703.50" in texts)
    table = {row.get("data-key"): [_plain(cell.text_content()).strip() for cell in row.cssselect("td")]
             for row in page.css('table[data-table="pipeline"] tbody tr')}
    assert table[by_probability[25]["stage_id"]] in (["2", "360,00 $", "90,00 $"], ["2", "$360.00", "$90.00"])

    activities = _bars(page, "activities")
    assert {key: int(bar.get("data-count")) for key, bar in activities.items()} == api["activities"]
    assert api["activities"]["call"] == 2 and api["activities"]["meeting"] == 1
    rows = page.css('table[data-table="activities"] tbody tr')
    assert [row.get("data-key") for row in rows] == list(activities)
    won = page.one('table[data-table="transactions"] tr[data-key="won"]')
    assert [_plain(c.text_content()).strip() for c in won.cssselect("td")] in (["0", "0,00 $"], ["0", "$0.00"])


def test_a_member_whose_role_hides_the_total_sees_counts_without_any_amount_as_the_api_answers(base_url, org):
    _setup(org)
    member = add_member(org, flags={"all_contacts": True})
    ok(org["admin"].put(f"/roles/{member['role']['id']}/permissions", json={
        "modules": MODULES, "fields": {"opportunities.total": {"read": False, "write": False},
                                       "tasks.type": {"read": False}}}))
    api = ok(member["client"].get("/dashboard"))
    assert all("total" not in row for row in api["pipeline"]) and "activities" not in api

    page = web_login(base_url, member["user"]["username"]).get("/app/dashboard")
    assert page.status == 200
    bars = _bars(page, "pipeline")
    assert [(key, int(bar.get("data-count"))) for key, bar in bars.items()] == \
        [(row["stage_id"], row["count"]) for row in api["pipeline"]]
    assert not page.css("[data-total]"), "no amount in the chart"
    assert page.one('svg[data-chart="pipeline"]').get("data-measure") == "count"
    assert not re.search(r"\d+[.,]\d\d", _plain(page.body_text)), "no amount anywhere on the page"
    assert not page.css('svg[data-chart="activities"]') and not page.css('table[data-table="activities"]')
    assert len(page.css('table[data-table="pipeline"] thead th')) == 2


def test_the_period_filter_is_the_api_s_and_its_refusal_shows_on_the_field(base_url, org):
    admin = org["admin"]
    _setup(org)
    client = web_login(base_url, org["user"]["username"])
    page = client.get("/app/dashboard?from=2026-01-01&to=2026-01-31")
    assert page.status == 200
    api = ok(admin.get("/dashboard", params={"from": "2026-01-01", "to": "2026-01-31"}))
    assert page.one("#f-from").get("value") == api["from"] and page.one("#f-to").get("value") == api["to"]
    assert {key: int(bar.get("data-count")) for key, bar in _bars(page, "activities").items()} == api["activities"]

    refused = client.get("/app/dashboard?from=2026-02-01&to=2026-01-01")
    assert refused.status == 422
    assert refused.one("#f-to").get("aria-invalid") == "true" and refused.css("#f-to-error li")
    assert refused.one(".error-summary").get("role") == "alert"


def test_home_sends_a_user_who_may_read_the_dashboard_to_it(base_url, org):
    client = web_login(base_url, org["user"]["username"])
    home = client.get("/app/")
    assert home.status == 303 and home.location.endswith("/app/dashboard")
    assert client.follow(home).one("h1").text_content() in ("Tableau de bord", "Dashboard")


def test_an_administrator_narrows_to_one_user_and_a_member_asking_for_another_gets_the_api_s_refusal(base_url, org):
    admin = org["admin"]
    account = _setup(org)
    member = add_member(org, flags={"all_contacts": True})
    ok(admin.put(f"/roles/{member['role']['id']}/permissions", json={"modules": MODULES, "fields": {}}))
    ok(admin.post("/opportunities", json={"title": "Sien", "account_id": account["id"], "stage_id": stage_id(admin, 90),
                                          "rep1_id": member["user"]["id"],
                                          "lines": [{"quantity": "1", "unit_price": "7.77"}]}), 201)
    client = web_login(base_url, org["user"]["username"])
    page = client.get(f"/app/dashboard?user_id={member['user']['id']}")
    assert page.status == 200
    options = [option.get("value") for option in page.css("#f-user_id option")]
    assert member["user"]["id"] in options and page.one("#f-user_id option[selected]").get("value") == \
        member["user"]["id"]
    api = ok(admin.get("/dashboard", params={"user_id": member["user"]["id"]}))
    bars = _bars(page, "pipeline")
    assert [(key, int(bar.get("data-count")), bar.get("data-total")) for key, bar in bars.items()] == \
        [(row["stage_id"], row["count"], row["total"]) for row in api["pipeline"]]
    assert [row["count"] for row in api["pipeline"]] == [0, 0, 0, 0, 0, 1], "only the member's opportunity"

    # A member who may not choose another user is offered no choice; asking anyway is the API's 403, on the field.
    own = web_login(base_url, member["user"]["username"])
    assert not own.get("/app/dashboard").css("#f-user_id")
    assert member["client"].get("/dashboard", params={"user_id": org["user"]["id"]}).status_code == 403
    refused = own.get(f"/app/dashboard?user_id={org['user']['id']}")
    assert refused.status == 403
    assert refused.one(".error-summary").get("role") == "alert" and refused.one(".error-summary p").text_content()
    assert _bars(refused, "pipeline"), "the member's own figures are still shown"
