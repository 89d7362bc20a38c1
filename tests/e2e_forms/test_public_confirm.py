"""Double opt-in through the public pages (F-4, E-11): the e-mailed link opens a page whose button confirms — the
GET alone never does (mail scanners open links) — the answer in the submission's language, a second press says it
was done already, and a link not ours is a 400 page in both languages."""
import re

import requests
from conftest import eventually, ok, sign_up, unique
from support.forms import public_submit, published_form


def test_the_emailed_link_confirms_by_its_button_only_in_the_submissions_language(base_url, relay):
    admin, _ = sign_up(base_url)
    target = ok(admin.post("/lists", json={"name": "Infolettre", "access_all_users": True}), 201)
    form = published_form(admin, target["id"], name=unique("optin"), double_opt_in=True,
                          consent={"enabled": True, "text": {"fr": "J'accepte.", "en": "I agree."}})
    email = f"{unique('optin')}@example.com"
    ok(public_submit(base_url, form["key"], {"email": email, "_consent": True}, language="en"), 201)
    message = eventually(lambda: relay.to(email), what="the confirmation e-mail")[0]
    link = re.search(r"https?://\S+/f/confirm/[A-Za-z0-9._~-]+", message.get_body(("plain", "html")).get_content())
    path = link.group(0)[len(base_url):] if link.group(0).startswith(base_url) else None
    assert path, link.group(0)
    page = requests.get(base_url + path, headers={"Accept-Language": "en"}, timeout=10)
    assert page.status_code == 200 and "Confirm your subscription" in page.text
    assert re.search(r'<form method="post" action="/f/confirm/[^"]+"', page.text)
    confirmed = requests.post(base_url + path, timeout=10, headers={"Accept-Language": "fr"})
    assert confirmed.status_code == 200 and '<html lang="en">' in confirmed.text  # the submission's language
    assert "your subscription is confirmed" in confirmed.text  # not "already": the GET confirmed nothing
    again = requests.post(base_url + path, timeout=10)
    assert again.status_code == 200 and "already confirmed" in again.text
    bad = requests.post(base_url + "/f/confirm/not-a-token", timeout=10)
    assert bad.status_code == 400 and "Lien invalide" in bad.text and "Invalid link" in bad.text
