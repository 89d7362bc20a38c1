"""A form's definition (F-1): its structure as the builder saves it (``check_draft``), what publishing needs
(``check_publishable``), what a visitor is shown (``public_view``) and the check of what a visitor posts
(``validate_values``). Pure: no I/O, codes only (the gateway and the embed script say them in French or English).

The fields a form may hold are a contact's (``STANDARD_FIELDS``, from ``carnet_contracts.records.contact_fields``:
only what a contact really has) and the organization's custom fields of module ``contacts`` (``custom.<key>``, C-14),
whose values are typed by ``carnet_custom_fields.values`` exactly as the contacts service types them, so that an
accepted submission is one the contacts service takes (F-3).
"""
import copy
import re
from datetime import date

from carnet_common.errors import Conflict, InvalidInput
from carnet_custom_fields import values as custom_values

LANGUAGES = ("fr", "en")
FORM_LANGUAGES = ("fr", "en", "both")
FIELD_TYPES = ("text", "email", "phone", "textarea", "number", "decimal", "date", "boolean", "select", "multi")
CHOICE_TYPES = ("select", "multi")
CAPTCHA_PROVIDERS = ("none", "turnstile", "hcaptcha")
MAX_TEXT, MAX_TEXTAREA = 2_000, 10_000          # F-2: per field, whatever the contact's column allows beyond
MAX_FIELDS, MAX_OPTIONS, MAX_ORIGINS = 60, 200, 50   # carnet_contracts.forms
MAX_MINIMUM_FILL, MAX_DUE_IN_DAYS = 600, 365
DEFAULT_MIN_FILL_SECONDS = 3

HONEYPOT_FIELD = "_hp"
# Names a visitor's post carries beside the fields (never data, never "unknown": F-4).
RESERVED_FIELDS = ("_hp", "_token", "_consent", "_captcha", "_page_url", "_lang")
CUSTOM_PREFIX = "custom."
CUSTOM_KEY = re.compile(r"^custom\.[a-z][a-z0-9_]{0,62}$")   # carnet_contracts.customization.KEY_PATTERN

# A contact's fields a form may hold: name → (form type, max length), the lengths those of
# carnet_contracts.records.contact_fields (a longer value would be refused by the contacts service).
STANDARD_FIELDS = {
    "email": {"type": "email", "max_length": 254},
    "first_name": {"type": "text", "max_length": 100},
    "last_name": {"type": "text", "max_length": 100},
    "title": {"type": "text", "max_length": 200},
    "phone": {"type": "phone", "max_length": 50},
    "mobile": {"type": "phone", "max_length": 50},
    "other_phone": {"type": "phone", "max_length": 50},
    "fax": {"type": "phone", "max_length": 50},
    "website": {"type": "text", "max_length": 2000},
    "street": {"type": "text", "max_length": 300},
    "city": {"type": "text", "max_length": 100},
    "province": {"type": "text", "max_length": 100},
    "postal_code": {"type": "text", "max_length": 20},
    "country": {"type": "text", "max_length": 100},
    "language": {"type": "select", "max_length": 5, "options": ["fr", "en"]},
}
STANDARD_LABELS = {
    "email": {"fr": "Courriel", "en": "Email"},
    "first_name": {"fr": "Prénom", "en": "First name"},
    "last_name": {"fr": "Nom", "en": "Last name"},
    "title": {"fr": "Titre", "en": "Title"},
    "phone": {"fr": "Téléphone", "en": "Phone"},
    "mobile": {"fr": "Cellulaire", "en": "Mobile"},
    "other_phone": {"fr": "Autre téléphone", "en": "Other phone"},
    "fax": {"fr": "Télécopieur", "en": "Fax"},
    "website": {"fr": "Site web", "en": "Website"},
    "street": {"fr": "Adresse", "en": "Street"},
    "city": {"fr": "Ville", "en": "City"},
    "province": {"fr": "Province", "en": "Province"},
    "postal_code": {"fr": "Code postal", "en": "Postal code"},
    "country": {"fr": "Pays", "en": "Country"},
    "language": {"fr": "Langue", "en": "Language"},
}

# A custom field's type (carnet_custom_fields.values) → the form type that shows it, and back for a field saved
# without its custom type.
FORM_TYPE_OF_CUSTOM = {"text": "text", "url": "text", "email": "email", "phone": "phone", "textarea": "textarea",
                       "html": "textarea", "single_choice": "select", "multi_choice": "multi", "number": "number",
                       "decimal": "decimal", "date": "date", "boolean": "boolean"}
CUSTOM_TYPE_OF_FORM = {"text": "text", "email": "email", "phone": "phone", "textarea": "textarea",
                       "select": "single_choice", "multi": "multi_choice", "number": "number", "decimal": "decimal",
                       "date": "date", "boolean": "boolean"}

# validate_values' codes (the catalogues of the gateway and of the embed script say each in FR and EN).
VALUE_ERRORS = ("required", "invalid_email", "too_long", "invalid_text", "invalid_phone", "invalid_url",
                "invalid_number", "invalid_decimal", "invalid_date", "invalid_boolean", "invalid_multi",
                "invalid_option")
# check_draft's and check_publishable's codes, under ``draft.<path>`` (the gateway's FR/EN messages).
NOT_PUBLISHABLE = "form_not_publishable"
DRAFT_ERRORS = ("required", "invalid_type", "too_long", "unknown_key", "unknown_field", "reserved_field",
                "duplicate_field", "field_type_mismatch", "invalid_option", "options_not_allowed", "invalid_url",
                "invalid_origin", "out_of_range", "too_many", "email_field_required", "unknown_custom_field")
_CUSTOM_ERRORS = {"custom_text_expected": "invalid_text", "custom_too_long": "too_long",
                  "custom_html_too_large": "too_long", "custom_email": "invalid_email", "custom_url": "invalid_url",
                  "custom_choice": "invalid_option", "custom_choices_expected": "invalid_multi",
                  "custom_integer_expected": "invalid_number", "custom_decimal_expected": "invalid_decimal",
                  "custom_date_expected": "invalid_date", "custom_boolean_expected": "invalid_boolean"}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9\s().\-/]{3,}(\s*(x|ext\.?|poste)\s*[0-9]{1,8})?$", re.IGNORECASE)
HTTPS_URL = re.compile(r"^https://[^\s/?#]+[^\s]*$", re.IGNORECASE)
ORIGIN = re.compile(r"^https?://[a-z0-9]([a-z0-9.\-]*[a-z0-9])?(:[0-9]{1,5})?$")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")   # PostgreSQL text cannot hold them (carnet_common.contracts)
INTEGER = re.compile(r"^-?[0-9]{1,16}$")
TRUE_TEXTS, FALSE_TEXTS = ("true", "on", "1", "yes", "oui"), ("false", "off", "0", "no", "non")
TEXT_LIMITS = {"title": 200, "intro": 2_000, "submit_label": 100, "label": 200, "thank_you": 2_000, "consent": 2_000,
               "task": 200, "option": 200, "name": 200}


def default_draft():
    """A new form's draft: the e-mail field (always there, always required: F-3 finds the contact by it)."""
    return {
        "language": "both",
        "title": {"fr": "", "en": ""},
        "intro": {"fr": "", "en": ""},
        "submit_label": {"fr": "Envoyer", "en": "Send"},
        "fields": [{"name": "email", "type": "email", "required": True, "label": dict(STANDARD_LABELS["email"])}],
        "list_id": None,
        "rep_user_id": None,
        "thank_you": {"url": None, "message": {"fr": "Merci!", "en": "Thank you!"}},
        "allowed_origins": [],
        "consent": {"enabled": False, "text": {"fr": "", "en": ""}},
        "double_opt_in": False,
        "task": {"enabled": False, "rep_user_id": None, "title": {"fr": "", "en": ""}, "due_in_days": 1},
        "captcha": {"provider": "none"},
        "min_fill_seconds": DEFAULT_MIN_FILL_SECONDS,
    }


# The structure ----------------------------------------------------------------------------------------------------

class _Checker:
    """Collects every error of a draft (``draft.<path>`` → [code]) rather than stopping at the first."""

    def __init__(self):
        self.errors = {}

    def fail(self, path, code):
        self.errors.setdefault(f"draft.{path}" if path else "draft", []).append(code)

    def text(self, value, path, limit):
        if value is None:
            return ""
        if not isinstance(value, str) or UNSTORABLE.search(value):
            self.fail(path, "invalid_type")
            return ""
        if len(value) > limit:
            self.fail(path, "too_long")
            return ""
        return value.strip()

    def texts(self, value, path, limit, default=None):
        """A ``{"fr": str, "en": str}`` (each language optional in a draft)."""
        default = default or {}
        if value is None:
            return {language: default.get(language, "") for language in LANGUAGES}
        if not isinstance(value, dict):
            self.fail(path, "invalid_type")
            return {language: default.get(language, "") for language in LANGUAGES}
        for key in value:
            if key not in LANGUAGES:
                self.fail(f"{path}.{key}", "unknown_key")
        return {language: self.text(value.get(language), f"{path}.{language}", limit) for language in LANGUAGES}

    def boolean(self, value, path, default=False):
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(path, "invalid_type")
            return default
        return value

    def integer(self, value, path, low, high, default):
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "invalid_type")
            return default
        if not low <= value <= high:
            self.fail(path, "out_of_range")
            return default
        return value

    def choice(self, value, path, allowed, default):
        if value is None:
            return default
        if value not in allowed:
            self.fail(path, "invalid_option")
            return default
        return value

    def identifier(self, value, path):
        if value is None:
            return None
        if not isinstance(value, str) or not 0 < len(value.strip()) <= 64:
            self.fail(path, "invalid_type")
            return None
        return value.strip()

    def mapping(self, value, path, keys):
        """An object of known ``keys`` (or absent: {})."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, "invalid_type")
            return {}
        for key in value:
            if key not in keys:
                self.fail(f"{path}.{key}" if path else key, "unknown_key")
        return value


def _field(check, value, index):
    path = f"fields.{index}"
    value = check.mapping(value, path, ("name", "type", "required", "label", "options", "custom_type"))
    name = value.get("name")
    if not isinstance(name, str) or not name:
        check.fail(f"{path}.name", "required")
        return None
    if name in RESERVED_FIELDS or name.startswith("_"):
        check.fail(f"{path}.name", "reserved_field")
        return None
    standard = STANDARD_FIELDS.get(name)
    if standard is None and not CUSTOM_KEY.match(name):
        check.fail(f"{path}.name", "unknown_field")
        return None
    kind = value.get("type")
    if standard is not None:
        if kind is not None and kind != standard["type"]:
            check.fail(f"{path}.type", "field_type_mismatch")
        kind = standard["type"]
    elif kind is not None and kind not in FIELD_TYPES:
        check.fail(f"{path}.type", "invalid_option")
        return None
    field = {"name": name, "type": kind, "required": check.boolean(value.get("required"), f"{path}.required"),
             "label": check.texts(value.get("label"), f"{path}.label", TEXT_LIMITS["label"],
                                  default=STANDARD_LABELS.get(name))}
    if name == "email":
        field["required"] = True   # F-3: the contact is found by it
    custom_type = value.get("custom_type")
    if custom_type is not None:
        if standard is not None or (kind is not None and FORM_TYPE_OF_CUSTOM.get(custom_type) != kind):
            check.fail(f"{path}.custom_type", "field_type_mismatch")
        else:
            field["custom_type"] = custom_type
    options = value.get("options")
    if kind in CHOICE_TYPES:
        if standard is not None and "options" in standard:
            field["options"] = list(standard["options"])
            if options is not None and (not isinstance(options, list) or any(o not in standard["options"]
                                                                              for o in options)):
                check.fail(f"{path}.options", "invalid_option")
        else:
            field["options"] = _options(check, options, f"{path}.options")
    elif kind is None and options is not None:
        field["options"] = _options(check, options, f"{path}.options")   # the catalogue types it (builder)
    elif options is not None:
        check.fail(f"{path}.options", "options_not_allowed")
    return field


def _options(check, options, path):
    if options is None:
        return []
    if not isinstance(options, list):
        check.fail(path, "invalid_type")
        return []
    if len(options) > MAX_OPTIONS:
        check.fail(path, "too_many")
        return []
    cleaned = []
    for index, option in enumerate(options):
        if not isinstance(option, str) or not option.strip() or UNSTORABLE.search(option):
            check.fail(f"{path}.{index}", "invalid_type")
        elif len(option) > TEXT_LIMITS["option"]:
            check.fail(f"{path}.{index}", "too_long")
        elif option not in cleaned:
            cleaned.append(option)
    return cleaned


def _fields(check, value):
    if value is None:
        return copy.deepcopy(default_draft()["fields"])
    if not isinstance(value, list):
        check.fail("fields", "invalid_type")
        return []
    if len(value) > MAX_FIELDS:
        check.fail("fields", "too_many")
        return []
    fields, seen = [], set()
    for index, item in enumerate(value):
        field = _field(check, item, index)
        if field is None:
            continue
        if field["name"] in seen:
            check.fail(f"fields.{index}.name", "duplicate_field")
            continue
        seen.add(field["name"])
        fields.append(field)
    return fields


def _origins(check, value):
    if value is None:
        return []
    if not isinstance(value, list):
        check.fail("allowed_origins", "invalid_type")
        return []
    if len(value) > MAX_ORIGINS:
        check.fail("allowed_origins", "too_many")
        return []
    origins = []
    for index, origin in enumerate(value):
        normal = origin.strip().lower().rstrip("/") if isinstance(origin, str) else None
        if not normal or not ORIGIN.match(normal) or not _port_ok(normal):
            check.fail(f"allowed_origins.{index}", "invalid_origin")
        elif normal not in origins:
            origins.append(normal)
    return origins


def _port_ok(origin):
    _, _, rest = origin.partition("://")
    port = rest.rpartition(":")[2] if ":" in rest else None
    return port is None or 0 < int(port) <= 65535


def check_draft(definition):
    """F-1: a draft's structure, every key optional (a draft may be incomplete), unknown keys refused; the cleaned
    draft (defaults filled in, standard fields typed, texts trimmed) or ``InvalidInput`` naming each
    ``draft.<path>``. A custom field's type may be absent (the builder takes it, its custom type and its choices
    from the organization's catalogue); completeness is ``check_publishable``'s."""
    check = _Checker()
    base = default_draft()
    value = check.mapping(definition, "", tuple(base))
    if definition is not None and not isinstance(definition, dict):
        raise InvalidInput(errors=check.errors)
    thank_you = check.mapping(value.get("thank_you"), "thank_you", ("url", "message"))
    consent = check.mapping(value.get("consent"), "consent", ("enabled", "text"))
    task = check.mapping(value.get("task"), "task", ("enabled", "rep_user_id", "title", "due_in_days"))
    captcha = check.mapping(value.get("captcha"), "captcha", ("provider",))
    url = thank_you.get("url")
    if url is not None and (not isinstance(url, str) or len(url) > 2000 or not HTTPS_URL.match(url.strip())):
        check.fail("thank_you.url", "invalid_url")
        url = None
    list_id = check.identifier(value.get("list_id"), "list_id")
    cleaned = {
        "language": check.choice(value.get("language"), "language", FORM_LANGUAGES, base["language"]),
        "title": check.texts(value.get("title"), "title", TEXT_LIMITS["title"]),
        "intro": check.texts(value.get("intro"), "intro", TEXT_LIMITS["intro"]),
        "submit_label": check.texts(value.get("submit_label"), "submit_label", TEXT_LIMITS["submit_label"],
                                    default=base["submit_label"]),
        "fields": _fields(check, value.get("fields")),
        "list_id": list_id,
        "rep_user_id": check.identifier(value.get("rep_user_id"), "rep_user_id"),
        "thank_you": {"url": url.strip() if url else None,
                      "message": check.texts(thank_you.get("message"), "thank_you.message",
                                             TEXT_LIMITS["thank_you"], default=base["thank_you"]["message"])},
        "allowed_origins": _origins(check, value.get("allowed_origins")),
        "consent": {"enabled": check.boolean(consent.get("enabled"), "consent.enabled"),
                    "text": check.texts(consent.get("text"), "consent.text", TEXT_LIMITS["consent"])},
        "double_opt_in": check.boolean(value.get("double_opt_in"), "double_opt_in"),
        "task": {"enabled": check.boolean(task.get("enabled"), "task.enabled"),
                 "rep_user_id": check.identifier(task.get("rep_user_id"), "task.rep_user_id"),
                 "title": check.texts(task.get("title"), "task.title", TEXT_LIMITS["task"]),
                 "due_in_days": check.integer(task.get("due_in_days"), "task.due_in_days", 0, MAX_DUE_IN_DAYS,
                                              base["task"]["due_in_days"])},
        "captcha": {"provider": check.choice(captcha.get("provider"), "captcha.provider", CAPTCHA_PROVIDERS,
                                             "none")},
        "min_fill_seconds": check.integer(value.get("min_fill_seconds"), "min_fill_seconds", 0, MAX_MINIMUM_FILL,
                                          DEFAULT_MIN_FILL_SECONDS),
    }
    if check.errors:
        raise InvalidInput(errors=check.errors)
    return cleaned


def form_languages(definition):
    """The languages a form is shown in."""
    language = definition.get("language", "both")
    return LANGUAGES if language == "both" else (language,)


def check_publishable(definition):
    """F-2: what a published version needs, beyond a valid structure (``check_draft`` first): the e-mail field,
    required; a target list; every text a visitor reads in each of the form's languages; options for choices;
    a thank-you (a URL or a message); the consent's text and the task's user and title when they are on.
    ``Conflict("form_not_publishable")`` naming each ``draft.<path>`` (a valid request the draft's state refuses:
    409, as carnet_contracts.forms states it); the definition otherwise."""
    definition = check_draft(definition)
    errors = {}

    def missing(path, code="required"):
        errors.setdefault(f"draft.{path}", []).append(code)

    email = [f for f in definition["fields"] if f["name"] == "email"]
    if not email or not email[0]["required"]:
        missing("fields", "email_field_required")
    if not definition["list_id"]:
        missing("list_id")
    for language in form_languages(definition):
        for key in ("title", "submit_label"):
            if not definition[key][language]:
                missing(f"{key}.{language}")
        for index, field in enumerate(definition["fields"]):
            if not field["label"][language]:
                missing(f"fields.{index}.label.{language}")
        if not definition["thank_you"]["url"] and not definition["thank_you"]["message"][language]:
            missing(f"thank_you.message.{language}")
        if definition["consent"]["enabled"] and not definition["consent"]["text"][language]:
            missing(f"consent.text.{language}")
        if definition["task"]["enabled"] and not definition["task"]["title"][language]:
            missing(f"task.title.{language}")
    for index, field in enumerate(definition["fields"]):
        if field["type"] is None:
            missing(f"fields.{index}.type")
        if field["type"] in CHOICE_TYPES and not field.get("options"):
            missing(f"fields.{index}.options")
    if definition["task"]["enabled"] and not definition["task"]["rep_user_id"]:
        missing("task.rep_user_id")
    if errors:
        raise Conflict(NOT_PUBLISHABLE, errors=errors)
    return definition


def choose_language(definition, language):
    """The language a visitor sees: the form's own, or for a "both" form the visitor's (``fr-CA`` → fr), French
    when the visitor names neither."""
    own = definition.get("language", "both")
    if own in LANGUAGES:
        return own
    wanted = (language or "").strip().lower()[:2]
    return wanted if wanted in LANGUAGES else "fr"


def public_view(definition, language):
    """What ``render_form`` shows under ``form`` (its ``key`` and the captcha's ``site_key`` added by intake):
    every text in the chosen language only."""
    chosen = choose_language(definition, language)
    fields = []
    for field in definition["fields"]:
        shown = {"name": field["name"], "type": field["type"], "required": field["required"],
                 "label": field["label"][chosen]}
        if field["type"] in CHOICE_TYPES:
            shown["options"] = list(field.get("options") or [])
        fields.append(shown)
    return {
        "language": chosen,
        "title": definition["title"][chosen],
        "intro": definition["intro"][chosen],
        "submit_label": definition["submit_label"][chosen],
        "fields": fields,
        "consent": {"enabled": definition["consent"]["enabled"],
                    "text": definition["consent"]["text"][chosen] if definition["consent"]["enabled"] else ""},
        "captcha": {"provider": definition["captcha"]["provider"]},
        "thank_you": {"url": definition["thank_you"]["url"], "message": definition["thank_you"]["message"][chosen]},
        "min_fill_seconds": definition["min_fill_seconds"],
    }


# A visitor's values ------------------------------------------------------------------------------------------------

def _empty(value):
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _string(value, limit):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or UNSTORABLE.search(value):
        return None, "invalid_text"
    value = value.strip()
    if len(value) > limit:
        return None, "too_long"
    return value, None


def _typed(field, value, limit):
    """A posted value as the field's type (an HTML post sends text for everything), or an error code."""
    kind = field["type"]
    if kind in ("text", "textarea", "email", "phone", "select"):
        text, error = _string(value, limit)
        if error:
            return None, error
        if kind == "email" and not EMAIL.match(text):
            return None, "invalid_email"
        if kind == "phone" and not PHONE.match(text):
            return None, "invalid_phone"
        if kind == "select" and text not in (field.get("options") or []):
            return None, "invalid_option"
        return text, None
    if kind == "multi":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or len(items) > MAX_OPTIONS or not all(isinstance(v, str) for v in items):
            return None, "invalid_multi"
        items = [v.strip() for v in items if v.strip()]
        if any(v not in (field.get("options") or []) for v in items):
            return None, "invalid_option"
        return list(dict.fromkeys(items)), None
    if kind == "number":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and INTEGER.match(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= custom_values.INT_RANGE:
            return None, "invalid_number"
        return value, None
    if kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None, "invalid_decimal"
        text = str(value).strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")   # 12,5 as French writes it
        if not custom_values.DECIMAL.match(text):
            return None, "invalid_decimal"
        return text, None
    if kind == "date":
        if not isinstance(value, str) or not custom_values.DATE.match(value.strip()):
            return None, "invalid_date"
        try:
            return date.fromisoformat(value.strip()).isoformat(), None
        except ValueError:
            return None, "invalid_date"
    if kind == "boolean":
        if isinstance(value, str):
            word = value.strip().lower()
            value = True if word in TRUE_TEXTS else False if word in FALSE_TEXTS else value
        if not isinstance(value, bool):
            return None, "invalid_boolean"
        return value, None
    return None, "invalid_text"


def _limit(field):
    kind = field["type"]
    cap = MAX_TEXTAREA if kind == "textarea" else MAX_TEXT
    standard = STANDARD_FIELDS.get(field["name"])
    if standard is not None:
        return min(cap, standard["max_length"])
    custom_type = field.get("custom_type") or CUSTOM_TYPE_OF_FORM[kind]
    return min(cap, custom_values.MAX_LENGTH.get(custom_type, cap))


def _custom(field, value):
    """A custom value through the contacts service's own check (C-14), its code as ours."""
    key = field["name"][len(CUSTOM_PREFIX):]
    definition = {"type": field.get("custom_type") or CUSTOM_TYPE_OF_FORM[field["type"]], "hidden": False,
                  "choices": field.get("options") or []}
    try:
        return custom_values.clean_values({key: definition}, {key: value})[key], None
    except InvalidInput as error:
        codes = error.errors.get(field["name"]) or ["custom_text_expected"]
        return None, _CUSTOM_ERRORS.get(codes[0], "invalid_text")


def validate_values(definition, values, language=None):
    """F-2: a visitor's ``values`` (``{field name: value}``, as JSON or an HTML post sent them) against a published
    definition → ``(clean, errors, unknown)``:

    - ``clean``: each field's non-empty value typed as the contacts service types it (an empty optional field is
      left out: F-3 never overwrites with nothing); custom ones under their ``custom.<key>`` name
      (``split_clean`` separates them);
    - ``errors``: ``{field: code}`` (``VALUE_ERRORS``), empty when the post is valid;
    - ``unknown``: the posted names the form does not have (reserved ones aside), sorted; never data (F-4).

    ``language`` is the one the visitor was shown; the codes do not depend on it (the caller says them in it).
    """
    values = values if isinstance(values, dict) else {}
    clean, errors = {}, {}
    known = set()
    for field in definition["fields"]:
        name = field["name"]
        known.add(name)
        raw = values.get(name)
        if _empty(raw) or (field["type"] == "boolean" and field["required"] and raw in (False, "false", "0")):
            if field["required"]:
                errors[name] = "required"
            continue
        value, error = _typed(field, raw, _limit(field))
        if error is None and name.startswith(CUSTOM_PREFIX):
            value, error = _custom(field, value)
        if error is not None:
            errors[name] = error
        elif not _empty(value):
            clean[name] = value
    unknown = sorted(str(name) for name in values if name not in known and name not in RESERVED_FIELDS)
    return clean, errors, unknown


def split_clean(clean):
    """``validate_values``' clean values as ``forms.submission_accepted`` carries them: ``(values, custom)``,
    the standard fields by name and the custom ones by key (F-3)."""
    standard = {name: value for name, value in clean.items() if not name.startswith(CUSTOM_PREFIX)}
    custom = {name[len(CUSTOM_PREFIX):]: value for name, value in clean.items() if name.startswith(CUSTOM_PREFIX)}
    return standard, custom
