"""The public side of forms (F-2, F-4, F-5; no login): the embed script, submissions, the webhook, confirmation
links and the pages a visitor sees. Registered on the app by ``register``.

- ``GET /f/<key>.js``: the embed script (``web/static/js/forms-embed.js`` with the key and this site's address).
  It names only the key, and browsers keep it 60 s: a new version published reaches every site within a minute
  (F-2). It fetches ``GET /f/<key>/definition.json?lang=`` (the forms service's ``render_form``: the current
  version in one language, a single-use render token, the per-field messages in that language) and renders the form
  into ``<div data-carnet-form="KEY">``.
- ``GET /f/<key>``: the same form as a page that needs no script (``<form method=post>``, the render token hidden);
  ``GET /f/<key>/thanks``: the thank-you page. Unknown or unpublished: 404, a page in both languages.
- ``POST /f/<key>``: JSON (the script: 201 ``{outcome, submission_id, thank_you}``, or 422 problem+json with
  ``errors`` per field in the form's language) or an HTML form (urlencoded or multipart: 303 to the thank-you URL or
  page; invalid: the form again, its errors on its fields, 422). A quarantined submission (F-4) answers exactly as
  an accepted one: a bot learns nothing. The service stores it before it answers (F-5).
- CORS: ``Access-Control-Allow-Origin`` echoes the caller's origin only when the form allows it (its
  ``allowed_origins``; empty = any), on the definition, the submission and their preflights. The same check of
  ``Origin`` (else ``Referer``) is passed to the service as ``origin_allowed`` (the service quarantines a ``false``);
  this site's own pages are always allowed. The allowed origins are remembered in Redis for ``POLICY_TTL`` seconds
  from the last render (every worker shares them; the embed script renders before it posts, so a new version's
  origins apply from its first view); a cross-origin post finding none (a hand-written form, no render for 15
  minutes) asks the service's ``form_policy``, which counts no view (F-4: views are pages shown).
- ``POST /f/<key>/webhook``: a JSON body signed with the form's secret (``X-Carnet-Timestamp``,
  ``X-Carnet-Signature: sha256=<hex>`` of ``"<timestamp>.<body>"``): the service checks it (age, replay); a bad one
  is a 401 problem ``webhook_signature``.
- ``GET /f/confirm/<token>``: the double opt-in page, one button; ``POST`` confirms (E-11 express consent): a GET
  never confirms, since mail scanners fetch the links of a message before its reader does. The answer page is in
  the submission's language; a bad or expired token, 400 in both languages.
- Every post is counted per address and form, and per form (``form_limits``): 429 + ``Retry-After``. Bodies over
  64 KB: 413. Pages carry a strict CSP (no script of ours; a captcha provider's only when the form uses one).
"""
import functools
import json
import logging
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import redis
from flask import Response, current_app, g, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from carnet_common import redis_keys
from carnet_common.errors import InvalidInput, NotFound, TooManyRequests, Unauthorized
from carnet_gateway import form_limits, limits, messages, problems, public_pages, services

log = logging.getLogger(__name__)

KEY = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16): the form's public key
HOST = re.compile(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]")
LANGS = public_pages.LANGS
MAX_BODY = 64 * 1024
SCRIPT_MAX_AGE = 60     # seconds browsers and proxies keep the embed script (F-2: a publish reaches every site)
POLICY_TTL = 900        # seconds the gateway remembers a form's allowed origins after a render (each render refreshes)
THANKS_TTL = 86400      # seconds a thank-you page remembers its message
TEXT_LIMIT = 2000       # characters kept of a page URL, referer or user agent
SCRIPT = Path(__file__).resolve().parent / "web" / "static" / "js" / "forms-embed.js"
RESERVED = ("_token", "_page_url", "_lang", "_captcha", "cf-turnstile-response", "h-captcha-response")
HONEYPOT, CONSENT = "_hp", "_consent"
CAPTCHA_FIELDS = ("_captcha", "cf-turnstile-response", "h-captcha-response")
CAPTCHA = {  # provider: (its script, the origins its widget needs in the page's CSP)
    "turnstile": ("https://challenges.cloudflare.com/turnstile/v0/api.js", "https://challenges.cloudflare.com"),
    "hcaptcha": ("https://js.hcaptcha.com/1/api.js", "https://hcaptcha.com https://*.hcaptcha.com"),
}
AUTOCOMPLETE = {"email": "email", "first_name": "given-name", "last_name": "family-name", "phone": "tel",
                "mobile": "tel", "company": "organization", "title": "organization-title", "street": "street-address",
                "city": "address-level2", "province": "address-level1", "postal_code": "postal-code",
                "country": "country-name", "website": "url"}
KINDS = {"email": "email", "phone": "tel", "textarea": "textarea", "number": "number", "decimal": "number",
         "date": "date", "boolean": "checkbox", "select": "select", "multi": "select"}
PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "strict-origin-when-cross-origin",
                "X-Robots-Tag": "noindex, nofollow", "X-Frame-Options": "DENY"}
JSON_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def register(app):
    app.add_url_rule("/f/<key>.js", "public_form_script", script, methods=["GET"])
    app.add_url_rule("/f/<key>/definition.json", "public_form_definition", definition, methods=["GET", "OPTIONS"])
    app.add_url_rule("/f/<key>", "public_form_page", page, methods=["GET"],
                     provide_automatic_options=False)  # OPTIONS is the submission's preflight
    app.add_url_rule("/f/<key>", "public_form_submit", submit, methods=["POST", "OPTIONS"])
    app.add_url_rule("/f/<key>/thanks", "public_form_thanks", thanks, methods=["GET"])
    app.add_url_rule("/f/<key>/webhook", "public_form_webhook", webhook, methods=["POST"])
    app.add_url_rule("/f/confirm/<token>", "public_form_confirm_page", confirm_page, methods=["GET"])
    app.add_url_rule("/f/confirm/<token>", "public_form_confirm", confirm, methods=["POST"])


# The embed script and the definition ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _script_source():
    return SCRIPT.read_text(encoding="utf-8")


def script(key):
    if not KEY.fullmatch(key):
        return Response("/* formulaire inconnu · unknown form */\n", status=404, mimetype="text/javascript",
                        headers={"Cache-Control": "no-store"})
    source = (_script_source().replace('"__CARNET_FORM_KEY__"', json.dumps(key))
              .replace('"__CARNET_BASE_URL__"', json.dumps(public_pages.public_base_url())))
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = f"public, max-age={SCRIPT_MAX_AGE}"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # sites isolated by COEP may load it
    return response


def definition(key):
    """What the embed script renders: render_form's form (one language, F-4 "both" by ``?lang=``), its single-use
    render token, where to post and the messages of the field codes in the form's language."""
    if request.method == "OPTIONS":
        return _preflight(key, "GET")
    if not KEY.fullmatch(key):
        return _json_problem(404, "public_form_not_found")
    try:
        answer = _render(key, _language_asked())
    except NotFound:
        return _json_problem(404, "public_form_not_found")
    form = answer["form"]
    body = {"form": form, "render_token": answer["render_token"],
            "post_url": f"{public_pages.public_base_url()}/f/{key}",
            "messages": _script_texts(form["language"])}
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/json")
    response.headers.update(JSON_HEADERS)
    return _with_cors(response, answer.get("allowed_origins") or [])


@functools.lru_cache(maxsize=len(LANGS) + 1)
def _script_texts(language):
    codes = [key.rsplit(".", 1)[1] for key in messages.MESSAGES if key.startswith("public_forms.error.")]
    texts = {code: messages.render(f"public_forms.error.{code}", language) for code in codes}
    for name in ("errors_title", "sending", "network_error", "rate_limited", "choose", "honeypot", "required_note",
                 "thanks_default"):
        texts[name] = messages.render(f"public_forms.{name}", language)
    return texts


# The hosted page -----------------------------------------------------------------------------------------------

def page(key):
    if not KEY.fullmatch(key):
        return _not_found_page()
    try:
        answer = _render(key, _language_asked())
    except NotFound:
        return _not_found_page()
    return _form_page(key, answer, values={}, errors={}, status=200)


def _form_page(key, answer, *, values, errors, status):
    form = answer["form"]
    language = _use_language(form["language"])
    shown = {name: [messages.render(_error_key(code), language)] for name, code in errors.items()}
    fields = [dict(field, kind=KINDS.get(field["type"], "text"), autocomplete=AUTOCOMPLETE.get(field["name"], ""),
                   step="any" if field["type"] == "decimal" else ("1" if field["type"] == "number" else None),
                   choices=[("", messages.render("public_forms.choose", language))] * (field["type"] == "select")
                   + [(option, option) for option in field.get("options") or []])
              for field in form["fields"]]
    values = _as_shown(form["fields"], values)
    captcha = form.get("captcha") or {}
    provider = CAPTCHA.get(captcha.get("provider"))
    thank_you = form.get("thank_you") or {}
    response = _page("public_forms/form.html", status, _page_csp(provider, thank_you.get("url")), form=form,
                     fields=fields, values=values, errors=shown, token=answer["render_token"],
                     action=url_for("public_form_submit", key=key), page_url=request.url[:TEXT_LIMIT],
                     captcha_script=provider[0] if provider else None, captcha=captcha,
                     labels={field["name"]: field["label"] for field in form["fields"]})
    return response


def _as_shown(fields, values):
    """A post's values as the page's controls hold them again: a list for a multiple choice (one ticked option
    comes as text), a tick for a checkbox whose text says yes."""
    shown = dict(values)
    kinds = {field["name"]: field["type"] for field in fields}
    kinds[CONSENT] = "boolean"
    for name, value in values.items():
        if kinds.get(name) == "multi":
            shown[name] = [value] if isinstance(value, str) else value
        elif kinds.get(name) == "boolean":
            shown[name] = isinstance(value, str) and value.strip().lower() in ("true", "on", "1", "yes", "oui")
    return shown


def _page_csp(provider=None, thank_you_url=None):
    """The pages run no script of ours; a captcha provider's widget (script and frame) when the form has one. The
    form may post here only, and Chromium applies ``form-action`` to the redirect that follows: the thank-you URL's
    origin is allowed too."""
    targets = "'self'"
    if thank_you_url and public_pages.safe_target(thank_you_url):
        origin = _normal_origin(thank_you_url)
        targets += f" {origin}" if origin else ""
    csp = (f"default-src 'none'; style-src 'self'; img-src 'self'; form-action {targets}; frame-ancestors 'none'; "
           "base-uri 'none'")
    if provider:
        csp += f"; script-src {provider[1]}; frame-src {provider[1]}; connect-src {provider[1]}"
    return csp


def thanks(key):
    if not KEY.fullmatch(key):
        return _not_found_page()
    remembered = None
    reference = request.args.get("r", "")
    if 0 < len(reference) <= 64:
        try:
            remembered = _redis().get(_thanks_key(reference))
        except redis.RedisError as exc:
            log.warning("thank-you message not read: %s", exc)
    remembered = json.loads(remembered) if remembered else {}
    language = _use_language(remembered.get("language") or request.args.get("lang") or _browser_language())
    message = remembered.get("message") or messages.render("public_forms.thanks_default", language)
    return _page("public_forms/thanks.html", 200, _page_csp(), message=message)


# Submissions ---------------------------------------------------------------------------------------------------

def submit(key):
    if request.method == "OPTIONS":
        return _preflight(key, "POST")
    wants_json = request.mimetype == "application/json"
    if not KEY.fullmatch(key):
        return _json_problem(404, "public_form_not_found") if wants_json else _not_found_page()
    try:
        form_limits.count_submission(key)
    except TooManyRequests as exc:
        return _too_many(key, exc, wants_json)
    if wants_json:
        return _submit_json(key)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _submit_html(key)
    return _json_problem(415, "public_form_media_type")


def _submit_json(key):
    try:
        body = _read_json()
    except RequestEntityTooLarge:
        return _too_large(json_answer=True)
    except ValueError:
        return _json_problem(400, "malformed_json")
    if not isinstance(body, dict):
        return _json_problem(400, "json_object_expected")
    fields = {name: value for name, value in body.items() if isinstance(name, str)}
    origin, allowed, cors = _origin_check(key)
    try:
        answer = services.forms.call("submit_form", key, *_submission(fields, "embed", origin, allowed))
    except NotFound:
        return _json_problem(404, "public_form_not_found")
    except InvalidInput as exc:
        return _with_cors(_refused(exc), cors)
    return _with_cors(_json_answer(answer), cors)


def _submit_html(key):
    request.max_content_length = MAX_BODY
    try:
        if request.content_length is not None and request.content_length > MAX_BODY:
            raise RequestEntityTooLarge()
        posted = request.form
    except RequestEntityTooLarge:
        return _too_large(json_answer=False)
    fields = {}
    for name in posted.keys():
        chosen = posted.getlist(name)
        fields[name] = chosen if len(chosen) > 1 else chosen[0]
    origin, allowed, _cors = _origin_check(key)
    try:
        answer = services.forms.call("submit_form", key, *_submission(fields, "html", origin, allowed))
    except NotFound:
        return _not_found_page()
    except InvalidInput:  # the post as a whole (more names than any form has): nothing of it was stored
        return _message_page(422, "unreadable")
    if answer["outcome"] == "invalid":
        try:
            again = _render(key, answer.get("language"))
        except NotFound:
            return _not_found_page()
        return _form_page(key, again, values=fields, errors=answer.get("errors") or {}, status=422)
    thank_you = answer.get("thank_you") or {}
    if thank_you.get("url") and public_pages.safe_target(thank_you["url"]):
        return _see_other(thank_you["url"])
    reference = secrets.token_urlsafe(12)
    try:
        _redis().set(_thanks_key(reference), json.dumps({"language": answer.get("language"),
                                                         "message": thank_you.get("message")}), ex=THANKS_TTL)
    except redis.RedisError as exc:  # the page then says the default thanks: the submission is stored already
        log.warning("thank-you message not kept: %s", exc)
    return _see_other(url_for("public_form_thanks", key=key, r=reference, lang=answer.get("language")))


def _submission(fields, channel, origin, origin_allowed):
    """(values, meta) of submit_form: the visitor's answers (the honeypot and the consent box among them: the service
    judges them) and what the request says about where it came from."""
    values = {name: value for name, value in fields.items() if name not in RESERVED}
    captcha = next((fields[name] for name in CAPTCHA_FIELDS if isinstance(fields.get(name), str) and fields[name]),
                   None)
    language = fields.get("_lang")
    meta = {"channel": channel, "render_token": _text_or_none(fields.get("_token")), "origin": origin,
            "referer": _header("Referer"), "page_url": _text_or_none(fields.get("_page_url")) or _header("Referer"),
            "ip": limits.client_address(), "user_agent": _header("User-Agent") or "",
            "language": language if language in LANGS else _browser_language(None),
            "origin_allowed": origin_allowed, "captcha_token": captcha}
    return values, meta


def _json_answer(answer):
    if answer["outcome"] == "invalid":
        _use_language(answer.get("language"))
        errors = {name: [_error_key(code)] for name, code in (answer.get("errors") or {}).items()}
        return _json_problem(422, "public_form_invalid", errors=errors)
    # quarantined or accepted: the same answer (a bot learns nothing from it, F-4)
    body = {"outcome": "accepted", "submission_id": answer.get("submission_id"),
            "thank_you": answer.get("thank_you") or {"url": None, "message": None}}
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=201,
                                          mimetype="application/json")
    response.headers.update(JSON_HEADERS)
    return response


def webhook(key):
    if not KEY.fullmatch(key):
        return _json_problem(404, "public_form_not_found")
    try:
        form_limits.count_submission(key)
    except TooManyRequests as exc:
        return _too_many(key, exc, True)
    try:
        body = _read_body().decode("utf-8")
    except RequestEntityTooLarge:
        return _too_large(json_answer=True)
    except UnicodeDecodeError:
        return _json_problem(400, "public_form_encoding")
    timestamp = request.headers.get("X-Carnet-Timestamp", "")
    scheme, _, signature = request.headers.get("X-Carnet-Signature", "").partition("=")
    if not timestamp or scheme.strip().lower() != "sha256" or not signature:
        return _json_problem(401, "webhook_signature")
    meta = {"channel": "webhook", "render_token": None, "origin": None, "referer": None, "page_url": None,
            "ip": limits.client_address(), "user_agent": _header("User-Agent") or "",
            "language": _browser_language(None), "origin_allowed": None, "captcha_token": None}
    try:
        answer = services.forms.call("submit_webhook", key, body, signature.strip(), timestamp.strip(), meta)
    except Unauthorized:
        return _json_problem(401, "webhook_signature")
    except NotFound:
        return _json_problem(404, "public_form_not_found")
    except InvalidInput as exc:
        return _refused(exc)
    return _json_answer(answer)


# Double opt-in -------------------------------------------------------------------------------------------------

def confirm_page(token):
    _use_language(request.args.get("lang") or _browser_language())
    return _page("public_forms/confirm.html", 200, _page_csp(),
                 action=url_for("public_form_confirm", token=token))


def confirm(token):
    try:
        answer = services.forms.call("confirm_subscription", token, {"ip": limits.client_address()})
    except (NotFound, InvalidInput):
        return _both_languages(400, "bad_link")
    language = _use_language(answer.get("language"))
    if answer.get("outcome") == "already_confirmed":
        body = messages.render("public_forms.already_confirmed_body", language)
    elif answer.get("org_name"):
        body = messages.render("public_forms.confirmed_by", language, {"org": answer["org_name"]})
    else:
        body = messages.render("public_forms.confirmed_body", language)
    return _page("public_forms/confirmed.html", 200, _page_csp(), body=body)


# Origins, CORS -------------------------------------------------------------------------------------------------

def _normal_origin(value):
    """``scheme://host[:port]`` (lower case, default port dropped) of an origin or URL; None if it is not one."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if not HOST.fullmatch(host):  # it goes into CSP and CORS headers: a name or an address, nothing else
        return None
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def _caller_origin():
    """The page the request came from: ``Origin``, else ``Referer``; "null" for an opaque origin; None if the
    request says nothing (a server, a script: their origin cannot be known)."""
    origin = request.headers.get("Origin")
    if origin:
        return _normal_origin(origin) or "null"
    referer = request.headers.get("Referer")
    return (_normal_origin(referer) or "null") if referer else None


def _is_allowed(origin, allowed_origins):
    if not allowed_origins or origin == _normal_origin(public_pages.public_base_url()) or origin == _normal_origin(
            request.host_url):
        return True
    return origin in {_normal_origin(entry) for entry in allowed_origins if isinstance(entry, str)}


def _origin_check(key):
    """(the caller's origin, whether the form allows it (None: unknown), the allowed origins for CORS)."""
    origin = _caller_origin()
    if origin is None:
        return None, None, []
    if origin in (_normal_origin(public_pages.public_base_url()), _normal_origin(request.host_url)):
        return origin, True, []
    try:
        allowed_origins = _allowed_origins(key)
    except NotFound:
        return origin, None, []
    return origin, _is_allowed(origin, allowed_origins), allowed_origins


def _with_cors(response, allowed_origins):
    """``Access-Control-Allow-Origin`` with the caller's exact ``Origin`` when the form allows it; nothing else."""
    response.headers.add("Vary", "Origin")
    origin = request.headers.get("Origin")
    if origin and _normal_origin(origin) and _is_allowed(_normal_origin(origin), allowed_origins):
        response.headers["Access-Control-Allow-Origin"] = origin
    return response


def _preflight(key, method):
    response = Response(status=204)
    origin = request.headers.get("Origin")
    response.headers.add("Vary", "Origin")
    if not KEY.fullmatch(key) or not origin or not _normal_origin(origin):
        return response
    try:
        allowed = _is_allowed(_normal_origin(origin), _allowed_origins(key))
    except NotFound:
        allowed = False
    if allowed:
        response.headers.update({"Access-Control-Allow-Origin": origin,
                                 "Access-Control-Allow-Methods": f"{method}, OPTIONS",
                                 "Access-Control-Allow-Headers": "Content-Type",
                                 "Access-Control-Max-Age": str(SCRIPT_MAX_AGE * 10)})
    return response


def _render(key, language):
    """render_form's answer (counts one view); its allowed origins kept for the posts that follow."""
    answer = services.forms.call("render_form", key, language)
    try:
        _redis().set(_policy_key(key), json.dumps(answer.get("allowed_origins") or []), ex=POLICY_TTL)
    except redis.RedisError as exc:
        log.warning("allowed origins of form %s not kept: %s", key, exc)
    return answer


def _allowed_origins(key):
    try:
        cached = _redis().get(_policy_key(key))
    except redis.RedisError:
        cached = None
    if cached is not None:
        return json.loads(cached)
    allowed = services.forms.call("form_policy", key).get("allowed_origins") or []   # counts no view (F-4)
    try:
        _redis().set(_policy_key(key), json.dumps(allowed), ex=POLICY_TTL)
    except redis.RedisError as exc:
        log.warning("allowed origins of form %s not kept: %s", key, exc)
    return allowed


def _policy_key(key):
    return f"{redis_keys.prefix()}forms:origins:{key}"


def _thanks_key(reference):
    return f"{redis_keys.prefix()}forms:thanks:{reference}"


def _redis():
    return current_app.extensions["carnet.redis"]


# Answers -------------------------------------------------------------------------------------------------------

def _read_body():
    """The body, refused past ``MAX_BODY`` bytes whether or not it says its length."""
    request.max_content_length = MAX_BODY
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise RequestEntityTooLarge()
    return request.get_data(cache=True)


def _too_large(*, json_answer):
    """413 over ``MAX_BODY``. The body is read first (up to the app's own limit, then the connection is closed):
    a client still sending when the server answers gets a reset instead of the answer."""
    length = request.content_length
    if length is not None and length <= (current_app.config.get("MAX_CONTENT_LENGTH") or 0):
        stream, remaining = request.environ["wsgi.input"], length
        while remaining > 0:
            chunk = stream.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)
    if json_answer:
        response = _json_problem(413, "body_too_large", params={"limit": MAX_BODY})
    else:
        response = _message_page(413, "too_large", limit=MAX_BODY)
    response.headers["Connection"] = "close"
    return response


def _read_json():
    return json.loads(_read_body().decode("utf-8"))


def _refused(exc):
    """The service's refusal of the post as a whole (not JSON, not an object, too many names), in its codes' words."""
    errors = {name: [_error_key(code) for code in codes] for name, codes in (exc.errors or {}).items()}
    return _json_problem(422, "public_form_invalid", errors=errors)


def _error_key(code):
    key = f"public_forms.error.{code}"
    return key if key in messages.MESSAGES else "public_forms.error.invalid"


def _json_problem(status, code, *, errors=None, params=None, headers=None):
    if not getattr(g, "language", None):
        g.language = _browser_language()
    response = problems.problem(status, code, errors=errors, params=params, headers=headers)
    response.headers.update(JSON_HEADERS)
    return response


def _too_many(key, exc, wants_json):
    retry_after = exc.params.get("retry_after", 60)
    if wants_json:
        response = _json_problem(429, "form_rate_limited", params={"retry_after": retry_after},
                                 headers={"Retry-After": retry_after})
        try:
            cached = _redis().get(_policy_key(key))  # no service call for a refused post
        except redis.RedisError:
            cached = None
        return _with_cors(response, json.loads(cached)) if cached is not None else response
    response = _message_page(429, "rate_limited", retry_after=retry_after)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _message_page(status, name, **params):
    language = _use_language(_browser_language())
    return _page("public_forms/message.html", status, _page_csp(),
                 title=messages.render(f"public_forms.{name}_title", language),
                 body=messages.render(f"public_forms.{name}_body", language, params))


def _not_found_page():
    return _both_languages(404, "not_found")


def _both_languages(status, name):
    """A page in French then English: an unknown form or a bad link cannot tell us the visitor's language."""
    return public_pages.both_languages(status=status, title=f"public_forms.{name}_title",
                                       body=f"public_forms.{name}_body", csp=_page_csp(), headers=PAGE_HEADERS)


def _page(template, status, csp, **context):
    return public_pages.page(template, status=status, csp=csp, headers=PAGE_HEADERS, **context)


def _see_other(location):
    response = redirect(location, 303)
    response.headers.update(PAGE_HEADERS)
    return response


_use_language = public_pages.use_language


def _language_asked():
    """The visitor's language for a form of both (F-4): ``?lang=`` (the embed script's, a link's), else the
    browser's; None when neither names French or English (the service then chooses)."""
    asked = request.args.get("lang")
    return asked if asked in LANGS else request.accept_languages.best_match(LANGS)


def _browser_language(default="fr"):
    return request.accept_languages.best_match(LANGS) or default


def _header(name):
    value = request.headers.get(name)
    return value[:TEXT_LIMIT] if value else None


def _text_or_none(value):
    return value[:TEXT_LIMIT] if isinstance(value, str) and value else None



