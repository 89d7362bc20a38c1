"""Pages of forms (F-1…F-5): the builder, the embed snippet, submissions, quarantine, statistics (web client
conventions: gateway/carnet_gateway/web/README.md).

- ``/app/forms``: the organization's forms (status, current version, views, submissions, quarantined) and a name
  field to start a new one.
- ``/app/forms/<id>``: the builder. The draft is one ``<form>``: its fields come from the catalogue
  (``GET /forms/fields``); "Add", "Remove", "Up" and "Down" are submit buttons (``op``) that save the draft with the
  change and come back to it (post/redirect/get: no JavaScript needed); "Publish" saves then publishes (F-1: a new
  immutable version; the API's 422 names what is missing, shown on those fields). The versions list below it.
- ``/app/forms/<id>/embed``: the snippet (it names only the key, so it never changes), the plain HTML post address
  with a hand-written example, the webhook address and secret with "Rotate" (F-2, F-3).
- ``/app/forms/<id>/submissions`` (``?status=quarantined``): received submissions, their reasons (F-4) and values
  (escaped text), Release / Discard of a quarantined one.
- ``/app/forms/<id>/stats``: views, submissions, conversion, by day.

Every read and write is the ``/api/v1`` operation (``calls.run``): another organization's form is the 404 page, a
role without the ``forms`` permission the API's 403; a submission shows only the contact fields the API lets the
user read.
"""
import html
from urllib.parse import urlencode

from babel import numbers as babel_numbers
from flask import redirect, render_template, request, url_for

from carnet_common.errors import CarnetError
from carnet_contracts.forms import CAPTCHA_PROVIDERS as CAPTCHAS
from carnet_contracts.forms import CHANNELS, CHOICE_TYPES, FIELD_TYPES, FORM_LANGUAGES, LANGUAGES, SUBMISSION_STATUSES
from carnet_contracts.permissions import may
from carnet_gateway import messages
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash

PER_PAGE = 25
TEXTS = ("title", "intro", "submit_label")   # the form's texts, one per language


def _may(action):
    return may(session.principal(), "forms", action)


def _items(found):
    """A list answer, bare or paged (``{"items": [...]}``)."""
    if isinstance(found, dict):
        return found.get("items") or []
    return found or []


def _optional(method, path, default, **kwargs):
    """A read of another area the page can do without (refused to this role): ``default``."""
    try:
        return calls.run(method, path, **kwargs)
    except CarnetError:
        return default


def _form(form_id):
    return calls.run("GET", "/forms/{form_id}", form_id=form_id)


def _form_languages(definition):
    chosen = definition.get("language")
    return list(LANGUAGES) if chosen == "both" else [chosen if chosen in LANGUAGES else "fr"]


def _label(texts, fallback=""):
    """A ``{fr, en}`` text in the page's language, else the other one."""
    texts = texts or {}
    lang = i18n.language()
    return texts.get(lang) or texts.get("en" if lang == "fr" else "fr") or fallback


# The list --------------------------------------------------------------------------------------------------------

def _list_page(*, name="", errors=None, message="", status=200):
    found = _items(calls.run("GET", "/forms"))
    return render_template("forms/list.html", forms_found=found, name=name, errors=errors or {}, message=message,
                           may_write=_may("write")), status


@blueprint.get("/forms")
@session.login_required
def forms_list():
    return _list_page()


@blueprint.post("/forms")
@session.login_required
def forms_create():
    name = forms.text("name")
    try:
        created = calls.run("POST", "/forms", body={"name": name})
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _list_page(name=name, errors=errors, message=message, status=exc.status)
    flash("web_forms.created", name=created["name"])
    return redirect(url_for("web.forms_builder", form_id=created["id"]), 303)


# The builder -----------------------------------------------------------------------------------------------------

def _texts():
    return {lang: "" for lang in LANGUAGES}


def _blank():
    return {"language": "fr", "title": _texts(), "intro": _texts(), "submit_label": _texts(), "fields": [],
            "list_id": None, "rep_user_id": None, "thank_you": {"url": None, "message": _texts()},
            "allowed_origins": [],
            "consent": {"enabled": False, "text": _texts()}, "double_opt_in": False,
            "task": {"enabled": False, "rep_user_id": None, "title": _texts(), "due_in_days": 0},
            "captcha": {"provider": "none"}, "min_fill_seconds": 3}


def _merged(base, given):
    """``given`` over the defaults ``base``, nested objects merged (a draft may be partial: F-1)."""
    if not isinstance(given, dict):
        return base
    out = dict(base)
    for key, value in given.items():
        out[key] = _merged(base[key], value) if isinstance(base.get(key), dict) else value
    return out


def _catalog():
    """The fields a form may hold (``GET /forms/fields``: the contact's standard fields and the organization's
    custom ones), by name, in catalogue order."""
    return {item["name"]: item for item in _items(calls.run("GET", "/forms/fields"))}


def _field_of(entry, *, required=False, label=None):
    field = {"name": entry["name"], "type": entry["type"], "required": required or entry["name"] == "email",
             "label": dict(label or entry.get("label") or _texts())}
    if entry["type"] in CHOICE_TYPES:
        field["options"] = list(entry.get("options") or [])
    return field


def _draft_of(form, catalog):
    """The form's draft as the builder shows it: every key present; the e-mail field first when a new draft has
    none (it is always there and required: F-1)."""
    draft = _merged(_blank(), form.get("draft") or {})
    draft["fields"] = [dict(field) for field in draft.get("fields") or []]
    if not any(field.get("name") == "email" for field in draft["fields"]) and "email" in catalog:
        draft["fields"].insert(0, _field_of(catalog["email"], required=True))
    return draft


def _posted_texts(prefix):
    return {lang: forms.text(f"{prefix}.{lang}") for lang in LANGUAGES}


def _int_or_text(name, default):
    """A whole number as typed; text that is none goes to the API as typed, which names the field (422)."""
    value = forms.text(name)
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        return value


def _posted_fields(catalog):
    """The form's field rows (``fields.<i>.name``…) in their order; type and options from the catalogue (a
    custom field's options follow its definition), else as posted."""
    indexes = sorted({int(key.split(".")[1]) for key in request.form
                      if key.startswith("fields.") and key.endswith(".name") and key.split(".")[1].isdigit()})
    fields = []
    for index in indexes:
        name = forms.text(f"fields.{index}.name")
        if not name or any(field["name"] == name for field in fields):
            continue
        entry = catalog.get(name) or {"name": name, "type": forms.text(f"fields.{index}.type") or "text",
                                      "options": request.form.getlist(f"fields.{index}.options")}
        fields.append(_field_of(entry, required=request.form.get(f"fields.{index}.required") == "true",
                                label=_posted_texts(f"fields.{index}.label")))
    return fields


def _posted(catalog):
    language = forms.text("language")
    origins = [line.strip() for line in request.form.get("allowed_origins", "").splitlines() if line.strip()]
    draft = {
        "language": language if language in FORM_LANGUAGES else "fr",
        **{key: _posted_texts(key) for key in TEXTS},
        "fields": _posted_fields(catalog),
        "list_id": forms.text("list_id") or None,
        "rep_user_id": forms.text("rep_user_id") or None,
        "thank_you": {"url": forms.text("thank_you.url") or None, "message": _posted_texts("thank_you.message")},
        "allowed_origins": origins,
        "consent": {"enabled": request.form.get("consent.enabled") == "true", "text": _posted_texts("consent.text")},
        "double_opt_in": request.form.get("double_opt_in") == "true",
        "task": {"enabled": request.form.get("task.enabled") == "true",
                 "rep_user_id": forms.text("task.rep_user_id") or None, "title": _posted_texts("task.title"),
                 "due_in_days": _int_or_text("task.due_in_days", 0)},
        "captcha": {"provider": forms.text("captcha.provider") or "none"},
        "min_fill_seconds": _int_or_text("min_fill_seconds", 3),
    }
    return forms.text("name"), draft


def _apply(op, draft, catalog):
    """A builder button on the posted draft: add a catalogue field, remove one, move one up or down."""
    fields = draft["fields"]
    verb, _, where = op.partition(":")
    if verb == "add":
        name = forms.text("add_field")
        if name in catalog and not any(field["name"] == name for field in fields):
            fields.append(_field_of(catalog[name]))
        return
    if not where.isdigit() or int(where) >= len(fields):
        return
    index = int(where)
    if verb == "remove" and fields[index]["name"] != "email":
        del fields[index]
    elif verb == "up" and index > 0:
        fields[index - 1], fields[index] = fields[index], fields[index - 1]
    elif verb == "down" and index < len(fields) - 1:
        fields[index + 1], fields[index] = fields[index], fields[index + 1]


def _shown_names(draft):
    """The names of the builder's controls (errors on them are shown beside them; any other in the summary)."""
    names = {"name", "language", "list_id", "rep_user_id", "thank_you.url", "allowed_origins", "consent.enabled",
             "double_opt_in", "task.enabled", "task.rep_user_id", "task.due_in_days", "captcha.provider",
             "min_fill_seconds"}
    for lang in _form_languages(draft):
        names |= {f"{key}.{lang}" for key in (*TEXTS, "thank_you.message", "consent.text", "task.title")}
        names |= {f"fields.{index}.label.{lang}" for index in range(len(draft["fields"]))}
    names |= {f"fields.{index}.required" for index in range(len(draft["fields"]))}
    return names


def _on_form(errors, draft):
    """The API's errors keyed as the builder's controls (``draft.list_id`` → ``list_id``; an allowed origin's
    ``draft.allowed_origins.1`` → the text area); any other goes to the summary with its path, so none is lost."""
    shown, rest = {}, []
    names = _shown_names(draft)
    for key, texts in errors.items():
        name = key[len("draft."):] if key.startswith("draft.") else key
        if name.startswith("allowed_origins."):
            name = "allowed_origins"
        if name.startswith("fields.") and name.endswith(".label"):
            name = f"{name}.{_form_languages(draft)[0]}"
        if name in names:
            shown.setdefault(name, []).extend(texts)
        else:
            where = _where(name, draft)
            rest.extend(i18n.t("web_forms.error_at", where=where, text=text) if where else text for text in texts)
    if rest:
        shown["_schema"] = rest
    return shown


def _where(name, draft):
    """What a summary line names: a field of the form by its label (``fields.2.options``), else the path."""
    if name in ("_schema", "draft", "fields"):
        return ""
    parts = name.split(".")
    if parts[0] == "fields" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(draft["fields"]):
        field = draft["fields"][int(parts[1])]
        return _label(field.get("label"), field["name"])
    return name


def _lists(draft):
    """The lists the user may target (``GET /lists``: those the API lets them use), the draft's one kept."""
    found = [(item["id"], item["name"]) for item in _items(_optional("GET", "/lists", []))]
    if draft.get("list_id") and draft["list_id"] not in {value for value, _ in found}:
        found.append((draft["list_id"], draft["list_id"]))
    return [("", i18n.t("web_forms.choose_list"))] + found


def _users():
    page = _optional("GET", "/users", {"items": []}, query={"per_page": "200", "active": "true"})
    return [("", i18n.t("web_forms.no_rep"))] + [
        (user["id"], user.get("full_name") or user.get("username") or user["id"]) for user in _items(page)]


def _builder(form, *, catalog, name=None, draft=None, errors=None, message="", status=200):
    draft = draft if draft is not None else _draft_of(form, catalog)
    used = {field["name"] for field in draft["fields"]}
    addable = [(entry["name"], _label(entry.get("label"), entry["name"])) for entry in catalog.values()
               if entry["name"] not in used]
    versions = _items(_optional("GET", "/forms/{form_id}/versions", [], form_id=form["id"]))
    return render_template(
        "forms/builder.html", form=form, name=form["name"] if name is None else name, draft=draft,
        form_langs=_form_languages(draft), catalog=catalog, addable=addable, lists=_lists(draft), users=_users(),
        languages=[(value, i18n.t(f"web_forms.language.{value}")) for value in FORM_LANGUAGES],
        captchas=[(value, i18n.t(f"web_forms.captcha.{value}")) for value in CAPTCHAS],
        versions=sorted(versions, key=lambda item: item.get("number") or 0, reverse=True),
        field_types=FIELD_TYPES, errors=errors or {}, message=message, may_write=_may("write"),
        may_delete=_may("delete"), tab="builder"), status


@blueprint.get("/forms/<form_id>")
@session.login_required
def forms_builder(form_id):
    form = _form(form_id)
    return _builder(form, catalog=_catalog())


@blueprint.post("/forms/<form_id>")
@session.login_required
def forms_save(form_id):
    form = _form(form_id)
    catalog = _catalog()
    name, draft = _posted(catalog)
    op = request.form.get("op") or "save"
    _apply(op, draft, catalog)
    try:
        calls.run("PATCH", "/forms/{form_id}", form_id=form_id, body={"name": name, "draft": draft})
        if op == "publish":
            published = calls.run("POST", "/forms/{form_id}/publish", form_id=form_id)
    except CarnetError as exc:
        errors, message = forms.shown(exc)
        return _builder(form, catalog=catalog, name=name, draft=draft, errors=_on_form(errors, draft),
                        message=message, status=exc.status)
    if op == "publish":
        flash("web_forms.published", number=published.get("current_version") or "")
    elif op == "save":
        flash("web_forms.saved")
    anchor = "" if op in ("save", "publish") else "#h-fields"
    return redirect(url_for("web.forms_builder", form_id=form_id) + anchor, 303)


def _action(form_id, path, done, back, **path_ids):
    """POST ``path`` (a state change of the form or one of its submissions), then back to ``back`` with ``done``, or
    with the 409's code when the state refused it."""
    try:
        calls.run("POST", path, form_id=form_id, **path_ids)
    except CarnetError as exc:
        if exc.status != 409:
            raise
        flash(exc.code)
        return redirect(back, 303)
    flash(done)
    return redirect(back, 303)


@blueprint.post("/forms/<form_id>/unpublish")
@session.login_required
def forms_unpublish(form_id):
    return _action(form_id, "/forms/{form_id}/unpublish", "web_forms.unpublished",
                   url_for("web.forms_builder", form_id=form_id))


@blueprint.post("/forms/<form_id>/delete")
@session.login_required
def forms_delete(form_id):
    form = _form(form_id)
    try:
        calls.run("DELETE", "/forms/{form_id}", form_id=form_id)
    except CarnetError as exc:
        if exc.status != 409:
            raise
        flash(exc.code)
        return redirect(url_for("web.forms_builder", form_id=form_id), 303)
    flash("web_forms.deleted", name=form["name"])
    return redirect(url_for("web.forms_list"), 303)


# The embed page --------------------------------------------------------------------------------------------------

_INPUT_TYPES = {"email": "email", "phone": "tel", "number": "number", "decimal": "text", "date": "date"}


def _example(post_url, definition):
    """A hand-written ``<form>`` posting to the form's address (F-2 "plain HTML post"), in the form's first
    language: the fields, the hidden honeypot and the consent box. Shown as text (escaped) for the user to copy."""
    lang = _form_languages(definition)[0]

    def esc(value):   # in a double-quoted attribute or as text: &, <, > and " are enough (an apostrophe reads as is)
        return html.escape(value, quote=False).replace('"', "&quot;")
    lines = [f'<form method="post" action="{esc(post_url)}" accept-charset="utf-8">']
    for field in definition.get("fields") or []:
        fid = "carnet-" + field["name"].replace(".", "-")
        label = esc((field.get("label") or {}).get(lang) or field["name"])
        required = " required" if field.get("required") else ""
        name = esc(field["name"])
        kind = field.get("type")
        if kind == "boolean":
            lines.append(f'  <p><input id="{fid}" name="{name}" type="checkbox" value="true"{required}> '
                         f'<label for="{fid}">{label}</label></p>')
            continue
        lines.append(f'  <p><label for="{fid}">{label}</label><br>')
        if kind == "textarea":
            lines.append(f'  <textarea id="{fid}" name="{name}"{required}></textarea></p>')
        elif kind in CHOICE_TYPES:
            multiple = " multiple" if kind == "multi" else ""
            lines.append(f'  <select id="{fid}" name="{name}"{multiple}{required}>')
            lines.extend(f'    <option>{esc(str(option))}</option>' for option in field.get("options") or [])
            lines.append("  </select></p>")
        else:
            lines.append(f'  <input id="{fid}" name="{name}" type="{_INPUT_TYPES.get(kind, "text")}"{required}></p>')
    consent = definition.get("consent") or {}
    if consent.get("enabled"):
        text = esc((consent.get("text") or {}).get(lang) or "")
        lines.append(f'  <p><input id="carnet-consent" name="_consent" type="checkbox" value="true"> '
                     f'<label for="carnet-consent">{text}</label></p>')
    lines.append(f'  <input type="hidden" name="_lang" value="{lang}">')
    # The honeypot (F-4): off-screen and out of the tab order, hidden from assistive technology; a robot fills it.
    lines.append('  <div aria-hidden="true" style="position: absolute; left: -10000px;">')
    lines.append('    <input type="text" name="_hp" value="" tabindex="-1" autocomplete="off">')
    lines.append("  </div>")
    submit = esc((definition.get("submit_label") or {}).get(lang) or ("Envoyer" if lang == "fr" else "Send"))
    lines.append(f'  <button type="submit">{submit}</button>')
    lines.append("</form>")
    return "\n".join(lines)


def _served_definition(form):
    """What visitors get: the current version's definition, else the draft (not yet published)."""
    if form.get("current_version"):
        version = _optional("GET", "/forms/{form_id}/versions/{number}", None, form_id=form["id"],
                            number=form["current_version"])
        if version and version.get("definition"):
            return version["definition"]
    return form.get("draft") or {}


@blueprint.get("/forms/<form_id>/embed")
@session.login_required
def forms_embed(form_id):
    form = _form(form_id)
    embed = calls.run("GET", "/forms/{form_id}/embed", form_id=form_id)
    return render_template("forms/embed.html", form=form, embed=embed,
                           example=_example(embed.get("post_url") or "", _served_definition(form)),
                           may_write=_may("write"), tab="embed")


@blueprint.post("/forms/<form_id>/webhook-secret")
@session.login_required
def forms_rotate(form_id):
    calls.run("POST", "/forms/{form_id}/webhook-secret", form_id=form_id)
    flash("web_forms.secret_rotated")
    return redirect(url_for("web.forms_embed", form_id=form_id) + "#h-webhook", 303)


# Submissions and the quarantine ------------------------------------------------------------------------------------

def _shown_value(value):
    """A submitted value as text (Jinja escapes it where shown: a ``<script>`` is text, F-5)."""
    if isinstance(value, bool):
        return i18n.t("web_forms.yes") if value else i18n.t("web_forms.no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def _reason(reason):
    code = reason.get("code") or ""
    key = f"web_forms.reason.{code}"
    text = i18n.t(key) if key in messages.MESSAGES else code
    detail = reason.get("detail")
    if isinstance(detail, list):
        detail = ", ".join(str(item) for item in detail)
    return {"code": code, "text": text, "detail": "" if detail in (None, "") else str(detail)}


def _field_labels(form):
    """Names of the submitted fields in the page's language: the form's labels, else the catalogue's."""
    labels = {entry["name"]: _label(entry.get("label"), entry["name"])
              for entry in _items(_optional("GET", "/forms/fields", []))}
    for field in (form.get("draft") or {}).get("fields") or []:
        labels[field.get("name")] = _label(field.get("label"), field.get("name"))
    return labels


@blueprint.get("/forms/<form_id>/submissions")
@session.login_required
def forms_submissions(form_id):
    form = _form(form_id)
    status = request.args.get("status") if request.args.get("status") in SUBMISSION_STATUSES else None
    cursor = request.args.get("cursor") or None
    found = calls.run("GET", "/forms/{form_id}/submissions", form_id=form_id,
                      query={"status": status, "cursor": cursor, "limit": PER_PAGE})
    labels = _field_labels(form)
    items = []
    for item in _items(found):
        data = dict(item.get("data") or {})
        custom = data.pop("custom", None)
        if isinstance(custom, dict):   # custom values as their own object: shown as ``custom.<key>`` fields
            data.update({f"custom.{key}": value for key, value in custom.items()})
        values = [(labels.get(key) or key, _shown_value(value)) for key, value in data.items()]
        consent = item.get("consent")
        if isinstance(consent, dict):   # the consent box as the visitor left it, with its text as shown (E-11)
            values.append((i18n.t("web_forms.consent_given"), _shown_value(bool(consent.get("checked")))))
        items.append({**item, "reasons": [_reason(reason) for reason in item.get("reasons") or []],
                      "values": values})
    args = {"status": status} if status else {}
    more = found.get("next_cursor") if isinstance(found, dict) else None
    return render_template(
        "forms/submissions.html", form=form, items=items, status=status, args=args, channels=CHANNELS,
        submission_statuses=SUBMISSION_STATUSES,
        next_url=(url_for("web.forms_submissions", form_id=form_id) + "?" + urlencode({**args, "cursor": more}))
        if more else None,
        first_url=url_for("web.forms_submissions", form_id=form_id, **args) if cursor else None,
        statuses=[("", i18n.t("web_forms.all_submissions"))]
        + [(value, i18n.t(f"web_forms.filter.{value}")) for value in SUBMISSION_STATUSES],
        may_write=_may("write"), tab="submissions")


def _back_to_submissions(form_id):
    status = request.form.get("status")
    args = {"status": status} if status in SUBMISSION_STATUSES else {}
    return url_for("web.forms_submissions", form_id=form_id, **args)


def _submission_action(form_id, submission_id, action, done):
    return _action(form_id, f"/forms/{{form_id}}/submissions/{{submission_id}}/{action}", done,
                   _back_to_submissions(form_id), submission_id=submission_id)


@blueprint.post("/forms/<form_id>/submissions/<submission_id>/release")
@session.login_required
def forms_release(form_id, submission_id):
    return _submission_action(form_id, submission_id, "release", "web_forms.released")


@blueprint.post("/forms/<form_id>/submissions/<submission_id>/discard")
@session.login_required
def forms_discard(form_id, submission_id):
    return _submission_action(form_id, submission_id, "discard", "web_forms.discarded")


# Statistics ------------------------------------------------------------------------------------------------------

def _percent(value):
    return babel_numbers.format_percent(value or 0, format="#,##0.0 %", locale=i18n.locale())


@blueprint.get("/forms/<form_id>/stats")
@session.login_required
def forms_stats(form_id):
    form = _form(form_id)
    period = {"from": request.args.get("from") or None, "to": request.args.get("to") or None}
    errors, message, status = {}, "", 200
    try:
        stats = calls.run("GET", "/forms/{form_id}/stats", form_id=form_id, query=period)
    except CarnetError as exc:
        errors, message = forms.shown(exc, (422,))
        status = exc.status
        stats = calls.run("GET", "/forms/{form_id}/stats", form_id=form_id)
    return render_template("forms/stats.html", form=form, stats=stats, period=period, errors=errors,
                           message=message, conversion=_percent(stats.get("conversion")), tab="stats"), status


@blueprint.get("/forms/<form_id>/unpublish")
@blueprint.get("/forms/<form_id>/delete")
@blueprint.get("/forms/<form_id>/webhook-secret")
def forms_back(form_id):
    """A form's address asked again (a reload after a post): the builder."""
    return redirect(url_for("web.forms_builder", form_id=form_id), 303)
