"""The forms pages (F-1…F-5), driven as a browser without JavaScript would, each checked against what ``/api/v1``
answers the same user: every page in French and in English; the builder's round trip (a catalogue field added and
moved by its submit buttons, the API's 422 and its refusal to publish an incomplete draft shown on their fields,
then published, unpublished, published again, deleted); the embed snippet (unchanged by a publish) and the webhook
secret's rotation; the quarantine (reasons in the page's language, a visitor's ``<script>`` shown as text, Release
-- then applied to a contact, linked -- and Discard); another organization's form is the 404 page on every page and
post, a role without the forms permission gets the 403 page and no navigation entry, a reader no write button, no
webhook secret, no value of a contact field their role may not read, and the API's 403 on a write."""
import requests
from conftest import add_member, ok, web_login
from support.http import sign_up

from carnet_testing import eventually

PAGES = ("", "/embed", "/submissions", "/stats")
HEADINGS = {"fr": ("Formulaire : {}", "Intégration : {}", "Soumissions : {}", "Statistiques : {}"),
            "en": ("Form: {}", "Embed: {}", "Submissions: {}", "Statistics: {}")}
SCRIPT = "<script>alert('x')</script>"
READ_ONLY = {"read": True, "write": False, "delete": False, "export": False}


def _web(org, user, language):
    ok(org["admin"].patch(f"/users/{user['id']}", json={"language": language}))
    return web_login(org["base_url"], user["username"])


def _values(page, selector="#builder-form"):
    """What the browser would post for the form ``selector`` of ``page`` (its fields, no button)."""
    return dict(page.one(selector).form_values())


def _published(admin, list_id, name="Contact", **draft):
    """A form published through the API (French only, no minimum fill time) with first_name after the e-mail."""
    body = {"language": "fr", "title": {"fr": "Écrivez-nous", "en": ""}, "submit_label": {"fr": "Envoyer", "en": ""},
            "fields": [{"name": "email", "type": "email", "required": True, "label": {"fr": "Courriel", "en": ""}},
                       {"name": "first_name", "type": "text", "required": False, "label": {"fr": "Prénom", "en": ""}}],
            "list_id": list_id, "thank_you": {"url": None, "message": {"fr": "Merci!", "en": ""}},
            "min_fill_seconds": 0, **draft}
    form = ok(admin.post("/forms", json={"name": name, "draft": body}), 201)
    return ok(admin.post(f"/forms/{form['id']}/publish"))


def _post_publicly(base_url, key, values):
    """A hand-written HTML form's post to the public address (F-2, channel html): the visitor is sent on."""
    answer = requests.post(f"{base_url}/f/{key}", data=values, allow_redirects=False, timeout=30)
    assert answer.status_code == 303, answer.text[:500]


def test_a_form_is_built_published_and_embedded_through_its_pages(org):
    admin = org["admin"]
    web = _web(org, org["user"], "fr")
    listed = web.get("/app/forms")
    assert listed.status == 200 and listed.one("h1").text_content().strip() == "Formulaires"
    assert listed.css('nav a[href="/app/forms"]')

    refused = web.post("/app/forms", {"name": ""})
    assert refused.status == 422 and refused.one("#f-name").get("aria-invalid") == "true"
    assert ok(admin.get("/forms")) == []
    created = web.post("/app/forms", {"name": "Infolettre"})
    assert created.status == 303
    form = ok(admin.get("/forms"))[0]
    assert created.location.endswith(f"/app/forms/{form['id']}")
    builder = web.follow(created)
    assert builder.one("h1").text_content().strip() == "Formulaire : Infolettre"
    assert [row.get("data-field") for row in builder.css("tr[data-field]")] == ["email"]
    assert "first_name" in {option.get("value") for option in builder.css("#f-add_field option")}

    # a field of the catalogue added, then moved up, by the builder's submit buttons (each saves the draft)
    added = web.post(f"/app/forms/{form['id']}", {**_values(builder), "add_field": "first_name", "op": "add"})
    assert added.status == 303
    fields = ok(admin.get(f"/forms/{form['id']}"))["draft"]["fields"]
    assert [field["name"] for field in fields] == ["email", "first_name"]
    builder = web.follow(added)
    moved = web.post(f"/app/forms/{form['id']}", {**_values(builder), "op": "up:1"})
    assert moved.status == 303
    assert [f["name"] for f in ok(admin.get(f"/forms/{form['id']}"))["draft"]["fields"]] == ["first_name", "email"]
    builder = web.follow(moved)
    assert [row.get("data-field") for row in builder.css("tr[data-field]")] == ["first_name", "email"]

    # values the API refuses: its 422 on each field of the builder, nothing saved
    bad = web.post(f"/app/forms/{form['id']}", {
        **_values(builder), "allowed_origins": "https://ok.example\npas un site", "thank_you.url": "http://merci.example",
        "task.due_in_days": "bientôt", "op": "save"})
    assert bad.status == 422
    for control in ("#f-allowed_origins", "#f-thank_you-url", "#f-task-due_in_days"):
        assert bad.one(control).get("aria-invalid") == "true", control
    assert bad.one("#f-allowed_origins").text_content() == "https://ok.example\npas un site"
    assert ok(admin.get(f"/forms/{form['id']}"))["draft"]["allowed_origins"] == []

    # publishing an incomplete draft: the API's refusal on the builder's fields, nothing published
    incomplete = web.post(f"/app/forms/{form['id']}", {**_values(builder), "language": "fr", "list_id": "",
                                                       "op": "publish"})
    assert incomplete.status in (409, 422), incomplete.text[:500]
    assert incomplete.one("#f-list_id").get("aria-invalid") == "true"
    assert incomplete.css(".error-summary p")
    assert ok(admin.get(f"/forms/{form['id']}"))["current_version"] is None

    ready = {**_values(builder), "language": "fr", "title.fr": "Abonnez-vous", "submit_label.fr": "S'abonner",
             "list_id": org["shared"], "thank_you.message.fr": "Merci!", "fields.0.label.fr": "Prénom",
             "fields.1.label.fr": "Courriel", "min_fill_seconds": "0", "op": "publish"}
    published = web.post(f"/app/forms/{form['id']}", ready)
    assert published.status == 303, published.text[:2000]
    saved = ok(admin.get(f"/forms/{form['id']}"))
    assert saved["status"] == "published" and saved["current_version"] == 1
    assert saved["draft"]["list_id"] == org["shared"] and saved["draft"]["title"]["fr"] == "Abonnez-vous"
    page = web.follow(published)
    assert "Formulaire publié (version 1)." in page.texts("#status p")
    assert [row.get("data-version") for row in page.css("tr[data-version]")] == ["1"]
    assert page.one("[data-status]").get("data-status") == "published"

    # the embed page: the snippet names the key; a second publish leaves it as it was; the secret is rotated
    embed = web.get(f"/app/forms/{form['id']}/embed")
    snippet = embed.one("#f-snippet").text_content()
    assert saved["key"] in snippet and snippet == ok(admin.get(f"/forms/{form['id']}/embed"))["snippet_html"]
    assert embed.one("#f-webhook-secret").text_content() == saved["webhook_secret"]
    assert 'name="_hp"' in embed.one("#f-example").text_content()
    assert web.post(f"/app/forms/{form['id']}", {**_values(web.get(f"/app/forms/{form['id']}")),
                                                 "op": "publish"}).status == 303
    assert ok(admin.get(f"/forms/{form['id']}"))["current_version"] == 2
    again = web.get(f"/app/forms/{form['id']}/embed")
    assert again.one("#f-snippet").text_content() == snippet
    unpublished = web.post(f"/app/forms/{form['id']}/unpublish")
    assert unpublished.status == 303 and ok(admin.get(f"/forms/{form['id']}"))["status"] == "unpublished"
    assert web.follow(unpublished).one("[data-status]").get("data-status") == "unpublished"
    assert web.post(f"/app/forms/{form['id']}", {**_values(web.get(f"/app/forms/{form['id']}")),
                                                 "op": "publish"}).status == 303
    assert ok(admin.get(f"/forms/{form['id']}"))["status"] == "published"
    rotated = web.post(f"/app/forms/{form['id']}/webhook-secret")
    assert rotated.status == 303
    secret = ok(admin.get(f"/forms/{form['id']}"))["webhook_secret"]
    assert secret != saved["webhook_secret"]
    assert web.follow(rotated).one("#f-webhook-secret").text_content() == secret

    # every page of the form, in French then in English
    for language in ("fr", "en"):
        web = _web(org, org["user"], language)
        assert web.get("/app/forms").one("h1").text_content().strip() == ("Formulaires" if language == "fr"
                                                                          else "Forms")
        for path, heading in zip(PAGES, HEADINGS[language], strict=True):
            shown = web.get(f"/app/forms/{form['id']}{path}")
            assert shown.status == 200 and shown.html.get("lang") == language
            assert shown.one("h1").text_content().strip() == heading.format("Infolettre")
    stats = web.get(f"/app/forms/{form['id']}/stats")
    api_stats = ok(admin.get(f"/forms/{form['id']}/stats"))
    assert stats.one("[data-count=views]").text_content() == str(api_stats["views"])
    assert stats.one("[data-count=submissions]").text_content() == str(api_stats["submissions"])
    wrong = web.get(f"/app/forms/{form['id']}/stats?from=hier")
    assert wrong.status == 422 and wrong.one("#f-from").get("aria-invalid") == "true"

    # a form without submissions is deleted from its page
    deleted = web.post(f"/app/forms/{form['id']}/delete")
    assert deleted.status == 303 and deleted.location.endswith("/app/forms")
    assert web.get(f"/app/forms/{form['id']}").status == 404 and ok(admin.get("/forms")) == []


def test_the_quarantine_shows_reasons_and_escaped_values_and_releases_or_discards(org, base_url):
    admin = org["admin"]
    form = _published(admin, org["shared"], consent={"enabled": True, "text": {"fr": "J'accepte", "en": ""}})
    for index in range(2):   # the hidden field filled: a robot (F-4), quarantined while the visitor sees "thanks"
        _post_publicly(base_url, form["key"], {"email": f"robot{index}@example.com", "first_name": SCRIPT,
                                               "_hp": "http://spam.example"})
    _post_publicly(base_url, form["key"], {"email": "ana@example.com", "first_name": "Ana", "_consent": "true"})
    web = _web(org, org["user"], "fr")
    page = web.get(f"/app/forms/{form['id']}/submissions?status=quarantined")   # stored before the answer (F-5)
    assert len(page.css("tr[data-id]")) == 2
    quarantined = ok(admin.get(f"/forms/{form['id']}/submissions", params={"status": "quarantined"}))["items"]
    assert [row.get("data-id") for row in page.css("tr[data-id]")] == [item["id"] for item in quarantined]
    first = page.one(f"tr[data-id='{quarantined[0]['id']}']")
    assert "Champ caché rempli (un robot)" in first.text_content()
    assert SCRIPT in [dd.text_content() for dd in first.cssselect("dd")]   # the visitor's text, as text
    assert not [s for s in page.css("main script") if "alert" in (s.text or "")]
    assert "&lt;script&gt;alert" in page.text
    assert len(first.cssselect("form button")) == 2

    released = web.post(f"/app/forms/{form['id']}/submissions/{quarantined[0]['id']}/release",
                        {"status": "quarantined"})
    assert released.status == 303 and released.location.endswith("/submissions?status=quarantined")
    assert ok(admin.get(f"/forms/{form['id']}/submissions/{quarantined[0]['id']}"))["status"] == "accepted"
    applied = eventually(lambda: ok(admin.get(f"/forms/{form['id']}/submissions/{quarantined[0]['id']}")),
                         lambda item: item["contact_id"], what="the released submission applied to a contact (F-3)")
    discarded = web.post(f"/app/forms/{form['id']}/submissions/{quarantined[1]['id']}/discard",
                         {"status": "quarantined"})
    assert discarded.status == 303
    assert ok(admin.get(f"/forms/{form['id']}/submissions/{quarantined[1]['id']}"))["status"] == "discarded"
    after = web.follow(discarded)
    assert after.css("tr[data-id]") == [] and "Soumission rejetée." in after.texts("#status p")
    again = web.post(f"/app/forms/{form['id']}/submissions/{quarantined[1]['id']}/discard")
    assert again.status == 303   # no longer quarantined: the API's 409, said on the list
    assert web.follow(again).texts("#status p")

    # in English: every submission, statuses and the channel in the page's language
    web = _web(org, org["user"], "en")
    every = web.get(f"/app/forms/{form['id']}/submissions")
    assert len(every.css("tr[data-id]")) == 3
    assert {row.get("data-status") for row in every.css("tr[data-id]")} == {"accepted", "discarded"}
    [ana] = [row for row in every.css("tr[data-id]") if "ana@example.com" in row.text_content()]
    shown = {dt.text_content(): dt.getnext().text_content() for dt in ana.cssselect("dt")}
    assert shown == {"Courriel": "ana@example.com", "Prénom": "Ana", "Consent box ticked": "Yes"}   # a French form
    link = every.one(f"tr[data-id='{applied['id']}'] a")
    assert link.get("href") == f"/app/contacts/{applied['contact_id']}" and link.text_content() == "Open the contact"
    assert "HTML post" in every.body_text and "Hidden field filled (a robot)" in every.body_text


def test_forms_pages_refuse_other_organizations_and_roles_without_the_permission(org, base_url):
    admin = org["admin"]
    form = _published(admin, org["shared"], name="Privé")
    _post_publicly(base_url, form["key"], {"email": "robot@example.com", "first_name": "Prénom-caché", "_hp": "x"})
    [submission] = ok(admin.get(f"/forms/{form['id']}/submissions"))["items"]

    # another organization's administrator: the 404 page on every page and post of the form
    _, other_org = sign_up(base_url)
    stranger = web_login(base_url, other_org["user"]["username"])
    for path in PAGES:
        assert stranger.get(f"/app/forms/{form['id']}{path}").status == 404
    for path in ("", "/unpublish", "/webhook-secret", f"/submissions/{submission['id']}/release",
                 f"/submissions/{submission['id']}/discard"):
        assert stranger.post(f"/app/forms/{form['id']}{path}", {"name": "x", "op": "save"}).status == 404
    assert form["id"] not in stranger.get("/app/forms").text

    # a role without the forms permission: no navigation entry, the 403 page everywhere
    nobody = web_login(base_url, add_member(org)["user"]["username"])
    assert not nobody.get("/app/trash").css('nav a[href="/app/forms"]')
    assert nobody.get("/app/forms").status == 403
    for path in PAGES:
        assert nobody.get(f"/app/forms/{form['id']}{path}").status == 403
    assert nobody.post(f"/app/forms/{form['id']}/submissions/{submission['id']}/release").status == 403

    # a reader of forms who may not read a contact's first name: the pages without it (as the API answers them), no
    # write button, no webhook secret; a write by hand is the API's 403
    modules = {"forms": READ_ONLY, "contacts": READ_ONLY}
    member = add_member(org, modules=modules)
    ok(admin.put(f"/roles/{member['role']['id']}/permissions", json={
        "modules": modules, "fields": {"contacts.first_name": {"read": False, "write": False}}}))
    reader = _web(org, member["user"], "fr")
    builder = reader.get(f"/app/forms/{form['id']}")
    assert builder.status == 200 and reader.get("/app/trash").css('nav a[href="/app/forms"]')
    assert not builder.css("#builder-form button") and not builder.css("#h-delete")
    assert builder.one("#builder-form p[role=note]").text_content() == "Vous pouvez consulter ce formulaire, mais " \
                                                                      "pas le modifier."
    assert not reader.get(f"/app/forms/{form['id']}/embed").css("#f-webhook-secret")
    quarantine = reader.get(f"/app/forms/{form['id']}/submissions?status=quarantined")
    assert quarantine.css("tr[data-id]") and not quarantine.css("tr[data-id] form")
    assert "robot@example.com" in quarantine.text and "Prénom-caché" not in quarantine.text
    assert "first_name" not in ok(member["client"].get(f"/forms/{form['id']}/submissions"))["items"][0]["data"]
    assert "Prénom-caché" in web_login(base_url, org["user"]["username"]).get(
        f"/app/forms/{form['id']}/submissions").text   # the administrator reads it
    assert reader.post(f"/app/forms/{form['id']}", {**_values(builder), "op": "save"}).status == 403
    assert reader.post(f"/app/forms/{form['id']}/submissions/{submission['id']}/release").status == 403
    assert ok(admin.get(f"/forms/{form['id']}/submissions/{submission['id']}"))["status"] == "quarantined"

    # a form that received a submission is kept: the API's 409, said on its page
    kept = web_login(base_url, org["user"]["username"]).post(f"/app/forms/{form['id']}/delete")
    assert kept.status == 303 and kept.location.endswith(f"/app/forms/{form['id']}")
    assert ok(admin.get(f"/forms/{form['id']}"))["id"] == form["id"]


def test_junk_on_a_real_forms_pages_is_a_page_naming_the_problem_never_a_500(org):
    """tests/web/test_bad_input_pages.py reaches these pages with ids that do not exist; here the junk reaches a real
    form's builder, its operations and the API's contracts."""
    form = _published(org["admin"], org["shared"])
    web = _web(org, org["user"], "fr")
    builder = web.get(f"/app/forms/{form['id']}")
    junk = {"fields.abc.name": "x", "fields.99999999999999999999.name": "custom.nope", "fields.7.name": "\u0000",
            "language": "xx", "captcha.provider": "weird", "min_fill_seconds": "1e999", "task.due_in_days": "-1",
            "task.rep_user_id": "nobody", "list_id": "x" * 80, "thank_you.url": "javascript:alert(1)",
            "allowed_origins": "\u0000\n" + "y" * 5000, "title.fr": "t" * 5000, "add_field": "custom.nope"}
    for op in ("save", "publish", "add", "up:abc", "down:-1", "remove:99", "explode"):
        page = web.post(f"/app/forms/{form['id']}", {**_values(builder), **junk, "op": op})
        assert 400 <= page.status < 500 and page.css(".error-summary p"), (op, page.status, page.body_text[:300])
    assert ok(org["admin"].get(f"/forms/{form['id']}"))["draft"]["title"]["fr"] == "Écrivez-nous"
    for query in ("status=weird&cursor=zzz", "cursor=" + "c" * 600, "limit=abc"):
        assert web.get(f"/app/forms/{form['id']}/submissions?{query}").status < 500, query
    for query in ("from=2026-13-45&to=yesterday", "from=2026-12-31&to=2026-01-01", "from=" + "9" * 40):
        assert web.get(f"/app/forms/{form['id']}/stats?{query}").status < 500, query
    for path in ("/submissions/missing/release", "/submissions/" + "x" * 70 + "/discard"):
        assert web.post(f"/app/forms/{form['id']}{path}").status == 404, path
