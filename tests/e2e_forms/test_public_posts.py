"""The public side of forms through the real gateway (F-2, F-4, F-5; public_forms.py): the embed script's JSON post
becoming a contact in the target list, per-field errors in the form's language, the hosted page and a hand-written
HTML post (303, thank-you page), the honeypot and the minimum fill time quarantining behind a thank-you, the origins a
form allows (CORS and quarantine), bodies over 64 KB, unknown and unpublished forms, a visitor's markup shown as text.
"""
import re

import pytest
import requests
from conftest import assert_problem, eventually, ok, sign_up, unique
from support.forms import public_submit, published_form, render

SITE = "https://boutique.example"
ELSEWHERE = "https://ailleurs.example"


@pytest.fixture(scope="module")
def site(base_url):
    """One organization for the module: its admin (an ApiClient) and a target list."""
    admin, _ = sign_up(base_url)
    target = ok(admin.post("/lists", json={"name": "Formulaires", "access_all_users": True}), 201)
    return {"admin": admin, "list_id": target["id"], "base_url": base_url}


def new_form(site, **changes):
    return published_form(site["admin"], site["list_id"], name=unique("form"), **changes)


def submissions(site, form, status=None):
    params = {"status": status} if status else {}
    return ok(site["admin"].get(f"/forms/{form['id']}/submissions", params=params))["items"]


def reasons(site, form, status="quarantined"):
    return [sorted(reason["code"] for reason in item["reasons"]) for item in submissions(site, form, status)]


def test_the_embed_scripts_post_is_acknowledged_then_makes_a_contact_in_the_target_list(site, base_url):
    form = new_form(site)
    script = requests.get(f"{base_url}/f/{form['key']}.js", timeout=10)
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert script.headers["Cache-Control"] == "public, max-age=60"  # F-2: a new version reaches sites in a minute
    assert f'"{form["key"]}"' in script.text and "__CARNET_FORM_KEY__" not in script.text
    shown = render(base_url, form["key"], language="en")
    assert shown["form"]["language"] == "en" and shown["form"]["title"] == "Newsletter"
    assert shown["messages"]["required"] == "This field is required."
    assert shown["post_url"] == f"{base_url}/f/{form['key']}"
    email = f"{unique('visit')}@Example.com"
    answer = ok(public_submit(base_url, form["key"], {"email": email, "first_name": "Léa"}, language="fr"), 201)
    assert answer["outcome"] == "accepted" and answer["thank_you"]["message"] == "Merci!"
    contact = eventually(lambda: ok(site["admin"].get("/contacts", params={"q": f"e:{email.lower()}"}))["items"],
                         what="the form's contact")[0]
    assert contact["first_name"] == "Léa" and site["list_id"] in contact["list_ids"]
    assert [item["status"] for item in submissions(site, form)] == ["accepted"]


def test_errors_are_per_field_in_the_forms_language_and_nothing_is_stored(site, base_url):
    form = new_form(site)
    french = public_submit(base_url, form["key"], {"email": "pas-un-courriel", "phone": "abc"}, language="fr")
    body = assert_problem(french, 422, code="public_form_invalid", fields=["email", "phone"])
    assert body["errors"]["email"] == ["Entrez une adresse courriel valide."]
    assert body["errors"]["phone"] == ["Entrez un numéro de téléphone valide."]
    assert body["detail"] == "Certaines réponses sont à corriger."
    english = assert_problem(public_submit(base_url, form["key"], {"first_name": "Ann"}, language="en",
                                           headers={"Accept-Language": "fr"}), 422, fields=["email"])
    assert english["errors"] == {"email": ["This field is required."]}  # the form's language, not the browser's
    assert submissions(site, form) == []


def test_the_hosted_page_and_a_hand_written_post_answer_303_to_the_thank_you_page(site, base_url):
    form = new_form(site, language="fr")
    page = requests.get(f"{base_url}/f/{form['key']}", timeout=10)
    assert page.status_code == 200 and '<html lang="fr">' in page.text
    assert "script-src" not in page.headers["Content-Security-Policy"]  # the page needs no script
    assert re.search(r'<label for="f-email">Courriel', page.text)
    assert re.search(r'name="_hp" value="" tabindex="-1" autocomplete="off"', page.text)
    token = re.search(r'name="_token" value="([^"]+)"', page.text).group(1)
    email = f"{unique('page')}@example.com"
    posted = requests.post(f"{base_url}/f/{form['key']}", data={"email": email, "_token": token, "_hp": ""},
                           allow_redirects=False, timeout=10)
    assert posted.status_code == 303 and f"/f/{form['key']}/thanks?r=" in posted.headers["Location"]
    thanks = requests.get(base_url + posted.headers["Location"], timeout=10)
    assert thanks.status_code == 200 and "Merci!" in thanks.text and '<html lang="fr">' in thanks.text
    # A hand-written form (WordPress, F-2) carries no render token: accepted all the same.
    hand_written = requests.post(f"{base_url}/f/{form['key']}", data={"email": f"{unique('hand')}@example.com"},
                                 headers={"Origin": SITE}, allow_redirects=False, timeout=10)
    assert hand_written.status_code == 303
    multipart = requests.post(f"{base_url}/f/{form['key']}", files={"email": (None, f"{unique('mp')}@example.com")},
                              allow_redirects=False, timeout=10)
    assert multipart.status_code == 303
    assert sorted(item["status"] for item in submissions(site, form)) == ["accepted"] * 3
    # To the form's thank-you URL when it has one.
    away = new_form(site, thank_you={"url": "https://merci.example/ok", "message": {"fr": "", "en": ""}})
    answer = requests.post(f"{base_url}/f/{away['key']}", data={"email": f"{unique('away')}@example.com"},
                           allow_redirects=False, timeout=10)
    assert answer.status_code == 303 and answer.headers["Location"] == "https://merci.example/ok"


def test_the_hosted_page_of_a_form_of_both_languages_speaks_the_browsers(site, base_url):
    form = new_form(site)
    english = requests.get(f"{base_url}/f/{form['key']}", headers={"Accept-Language": "en-CA,en;q=0.9"}, timeout=10)
    assert '<html lang="en">' in english.text and "<h1>Newsletter</h1>" in english.text
    french = requests.get(f"{base_url}/f/{form['key']}", params={"lang": "fr"}, headers={"Accept-Language": "en"},
                          timeout=10)
    assert '<html lang="fr">' in french.text and "<h1>Infolettre</h1>" in french.text


def test_an_invalid_html_post_shows_the_form_again_with_its_errors_and_markup_as_text(site, base_url):
    form = new_form(site, language="en", consent={"enabled": True, "text": {"fr": "J'accepte.", "en": "I agree."}})
    first = requests.get(f"{base_url}/f/{form['key']}", timeout=10)
    assert re.search(r'<input type="checkbox" id="f-_consent" name="_consent" value="true"\s*>', first.text)
    answer = requests.post(f"{base_url}/f/{form['key']}", timeout=10,
                           data={"email": "nope", "first_name": "<script>alert(1)</script>", "_consent": "true"})
    assert answer.status_code == 422 and '<html lang="en">' in answer.text
    assert "Enter a valid e-mail address." in answer.text and 'aria-invalid="true"' in answer.text
    assert "<script>alert(1)</script>" not in answer.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in answer.text
    assert re.search(r'name="_consent" value="true" checked', answer.text)  # the visitor's own tick, kept
    flood = requests.post(f"{base_url}/f/{form['key']}", data={f"x{n}": "1" for n in range(201)}, timeout=10,
                          headers={"Accept-Language": "fr"})
    assert flood.status_code == 422 and "Formulaire refusé" in flood.text
    assert submissions(site, form) == []


def test_a_filled_honeypot_and_a_too_fast_answer_are_thanked_but_quarantined(site, base_url):
    form = new_form(site, min_fill_seconds=60)
    trap = ok(public_submit(base_url, form["key"], {"email": f"{unique('bot')}@example.com",
                                                    "_hp": "https://spam.example"}), 201)
    assert trap["outcome"] == "accepted" and trap["thank_you"]["message"]  # a bot learns nothing
    assert reasons(site, form) == [["honeypot", "too_fast"]]
    fast = requests.post(f"{base_url}/f/{form['key']}", allow_redirects=False, timeout=10,
                         data={"email": f"{unique('fast')}@example.com",
                               "_token": render(base_url, form["key"])["render_token"]})
    assert fast.status_code == 303 and "/thanks" in fast.headers["Location"]
    assert sorted(reasons(site, form)) == [["honeypot", "too_fast"], ["too_fast"]]
    assert submissions(site, form, "accepted") == []


def test_only_the_allowed_origins_get_cors_and_another_origins_post_is_quarantined(site, base_url):
    form = new_form(site, allowed_origins=[SITE])
    url = f"{base_url}/f/{form['key']}"
    allowed = requests.get(f"{url}/definition.json", headers={"Origin": SITE}, timeout=10)
    assert allowed.headers["Access-Control-Allow-Origin"] == SITE and "Origin" in allowed.headers["Vary"]
    refused = requests.get(f"{url}/definition.json", headers={"Origin": ELSEWHERE}, timeout=10)
    assert refused.status_code == 200 and "Access-Control-Allow-Origin" not in refused.headers
    preflight = requests.options(url, headers={"Origin": SITE, "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": "content-type"}, timeout=10)
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == SITE
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    other = requests.options(url, headers={"Origin": ELSEWHERE, "Access-Control-Request-Method": "POST"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers
    definition_preflight = requests.options(f"{url}/definition.json", timeout=10,
                                            headers={"Origin": SITE, "Access-Control-Request-Method": "GET"})
    assert definition_preflight.headers["Access-Control-Allow-Origin"] == SITE
    assert "GET" in definition_preflight.headers["Access-Control-Allow-Methods"]
    good = public_submit(base_url, form["key"], {"email": f"{unique('ok')}@example.com"}, headers={"Origin": SITE})
    assert good.status_code == 201 and good.headers["Access-Control-Allow-Origin"] == SITE
    bad = public_submit(base_url, form["key"], {"email": f"{unique('no')}@example.com"}, headers={"Origin": ELSEWHERE})
    assert bad.status_code == 201 and "Access-Control-Allow-Origin" not in bad.headers
    own = requests.post(url, data={"email": f"{unique('own')}@example.com"}, headers={"Origin": base_url},
                        allow_redirects=False, timeout=10)  # the hosted page: this site is always allowed
    assert own.status_code == 303
    assert reasons(site, form) == [["origin_not_allowed"]]
    assert len(submissions(site, form, "accepted")) == 2


def test_a_cross_origin_post_never_rendered_is_judged_by_the_forms_policy_and_counts_no_view(site, base_url):
    """No render before it (a hand-written form): the gateway asks the service's ``form_policy`` for the allowed
    origins (F-4), which counts no view — the statistics say 0 views after both posts were handled."""
    form = new_form(site, allowed_origins=[SITE])
    url = f"{base_url}/f/{form['key']}"
    good = requests.post(url, data={"email": f"{unique('hw')}@example.com"}, headers={"Origin": SITE},
                         allow_redirects=False, timeout=10)
    bad = requests.post(url, data={"email": f"{unique('hx')}@example.com"}, headers={"Origin": ELSEWHERE},
                        allow_redirects=False, timeout=10)
    assert good.status_code == bad.status_code == 303
    assert reasons(site, form) == [["origin_not_allowed"]]
    assert len(submissions(site, form, "accepted")) == 1
    assert ok(site["admin"].get(f"/forms/{form['id']}/stats"))["views"] == 0


def test_bodies_over_64_kb_are_refused(site, base_url):
    form = new_form(site, language="en")
    url = f"{base_url}/f/{form['key']}"
    big = "x" * (64 * 1024 + 1)
    as_json = requests.post(url, json={"email": "a@example.com", "notes": big}, timeout=10)
    assert_problem(as_json, 413, code="body_too_large")
    as_form = requests.post(url, data={"email": "a@example.com", "notes": big}, timeout=10,
                            headers={"Accept-Language": "en"})
    assert as_form.status_code == 413 and "Too much text" in as_form.text
    assert submissions(site, form) == []


def test_unknown_and_unpublished_forms_are_404_pages_in_both_languages(site, base_url):
    form = new_form(site)
    ok(site["admin"].post(f"/forms/{form['id']}/unpublish"))
    for key in ("A" * 22, form["key"]):
        page = requests.get(f"{base_url}/f/{key}", timeout=10)
        assert page.status_code == 404
        assert '<section lang="fr">' in page.text and '<section lang="en">' in page.text
        assert "Formulaire non disponible" in page.text and "Form not available" in page.text
        assert_problem(requests.get(f"{base_url}/f/{key}/definition.json", timeout=10), 404,
                       code="public_form_not_found")
        assert_problem(requests.post(f"{base_url}/f/{key}", json={"email": "a@example.com"}, timeout=10), 404,
                       code="public_form_not_found")
    ok(site["admin"].post(f"/forms/{form['id']}/publish"))  # published again: served again (F-2)
    assert requests.get(f"{base_url}/f/{form['key']}", timeout=10).status_code == 200
