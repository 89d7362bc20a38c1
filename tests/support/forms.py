"""Forms (issue 14) as a client drives them: a complete draft, a published form, and a visitor's post through the
public side (``POST /f/<key>`` as the embed script sends it: JSON with the render token of
``GET /f/<key>/definition.json``). Paths of admin calls below /api/v1 (an ``ApiClient``)."""
import copy

import requests

from support.http import ok

TEXTS = {
    "title": {"fr": "Infolettre", "en": "Newsletter"},
    "submit_label": {"fr": "Envoyer", "en": "Send"},
    "thank_you": {"url": None, "message": {"fr": "Merci!", "en": "Thank you!"}},
}
FIELDS = [
    {"name": "email", "required": True, "label": {"fr": "Courriel", "en": "Email"}},
    {"name": "first_name", "label": {"fr": "Prénom", "en": "First name"}},
    {"name": "phone", "label": {"fr": "Téléphone", "en": "Phone"}},
]


def draft(list_id, **changes):
    """A publishable draft in both languages adding contacts to ``list_id``: e-mail (required), first name and phone;
    no minimum fill time (a test posts at once), ``changes`` replacing its keys."""
    return {"language": "both", **copy.deepcopy(TEXTS), "fields": copy.deepcopy(FIELDS), "list_id": list_id,
            "min_fill_seconds": 0, **changes}


def published_form(client, list_id, *, name="Infolettre", **changes):
    """A form created and published by ``client`` (forms write), its draft ``draft(list_id, **changes)``; the form
    as publishing answered it."""
    form = ok(client.post("/forms", json={"name": name, "draft": draft(list_id, **changes)}), 201)
    return ok(client.post(f"/forms/{form['id']}/publish"))


def render(base_url, key, *, language=None, session=None):
    """What the embed script reads first: the form in one language and its single-use render token."""
    http = session or requests
    params = {"lang": language} if language else {}
    response = http.get(f"{base_url}/f/{key}/definition.json", params=params, timeout=30)
    return ok(response)


def public_submit(base_url, key, values, *, language=None, token=True, headers=None, session=None):
    """A visitor's post of ``values`` (``{field: value}``, ``_hp`` and ``_consent`` among them if wanted) as the
    embed script sends it: with a fresh render token (``token=False``: none; a string: that one). The response."""
    http = session or requests
    body = dict(values)
    if token is True:
        body["_token"] = render(base_url, key, language=language, session=session)["render_token"]
    elif token:
        body["_token"] = token
    if language:
        body.setdefault("_lang", language)
    return http.post(f"{base_url}/f/{key}", json=body, headers=headers or {}, timeout=30)


def submitted(base_url, key, values, **kwargs):
    """``public_submit`` answered 201: its body (``{outcome, submission_id, thank_you}``)."""
    return ok(public_submit(base_url, key, values, **kwargs), 201)
