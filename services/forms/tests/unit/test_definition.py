"""A form's definition (F-1, F-2): a draft's structure, what publishing needs, what a visitor sees and the check of
what a visitor posts (carnet_forms.definition: pure)."""
import copy

import pytest

from carnet_common.errors import Conflict, InvalidInput
from carnet_forms import definition as d


def publishable(**changes):
    draft = d.check_draft({
        "language": "both",
        "title": {"fr": "Infolettre", "en": "Newsletter"},
        "fields": [
            {"name": "email", "required": True},
            {"name": "first_name", "required": True, "label": {"fr": "Prénom", "en": "First name"}},
            {"name": "phone"},
            {"name": "city"},
            {"name": "language"},
            {"name": "custom.secteur", "type": "select", "options": ["Santé", "Éducation"],
             "label": {"fr": "Secteur", "en": "Sector"}},
            {"name": "custom.interets", "type": "multi", "options": ["a", "b", "c"],
             "label": {"fr": "Intérêts", "en": "Interests"}},
            {"name": "custom.employes", "type": "number", "label": {"fr": "Employés", "en": "Employees"}},
            {"name": "custom.budget", "type": "decimal", "label": {"fr": "Budget", "en": "Budget"}},
            {"name": "custom.debut", "type": "date", "label": {"fr": "Début", "en": "Start"}},
            {"name": "custom.membre", "type": "boolean", "label": {"fr": "Membre", "en": "Member"}},
            {"name": "custom.site", "type": "text", "custom_type": "url", "label": {"fr": "Site", "en": "Site"}},
            {"name": "custom.mot", "type": "textarea", "label": {"fr": "Mot", "en": "Word"}},
        ],
        "list_id": "list-1",
    })
    draft.update(changes)
    return d.check_publishable(draft)


def draft_errors(draft):
    with pytest.raises(InvalidInput) as raised:
        d.check_draft(draft)
    return raised.value.errors


def not_publishable(draft):
    with pytest.raises(Conflict) as raised:
        d.check_publishable(draft)
    assert raised.value.code == "form_not_publishable"
    return raised.value.errors


# Drafts --------------------------------------------------------------------------------------------------------------

def test_an_empty_draft_gets_the_defaults_and_the_required_email_field():
    draft = d.check_draft(None)
    assert draft == d.default_draft()
    assert draft["fields"] == [{"name": "email", "type": "email", "required": True,
                                "label": {"fr": "Courriel", "en": "Email"}}]
    assert d.check_draft({}) == draft


def test_a_draft_is_trimmed_and_standard_fields_are_typed_and_labelled():
    draft = d.check_draft({"title": {"fr": "  Titre  "}, "fields": [{"name": "mobile"}, {"name": "email"}],
                           "allowed_origins": ["HTTPS://WWW.Example.com/", "https://www.example.com"]})
    assert draft["title"] == {"fr": "Titre", "en": ""}
    assert draft["fields"][0] == {"name": "mobile", "type": "phone", "required": False,
                                  "label": {"fr": "Cellulaire", "en": "Mobile"}}
    assert draft["fields"][1]["required"] is True   # email is always required
    assert draft["allowed_origins"] == ["https://www.example.com"]


@pytest.mark.parametrize("draft, path, code", [
    ("nope", "draft", "invalid_type"),
    ({"colour": 1}, "draft.colour", "unknown_key"),
    ({"language": "de"}, "draft.language", "invalid_option"),
    ({"title": "Titre"}, "draft.title", "invalid_type"),
    ({"title": {"de": "x"}}, "draft.title.de", "unknown_key"),
    ({"title": {"fr": "x" * 201}}, "draft.title.fr", "too_long"),
    ({"title": {"fr": "a\x00b"}}, "draft.title.fr", "invalid_type"),
    ({"fields": {}}, "draft.fields", "invalid_type"),
    ({"fields": [{"name": "email"}] * 61}, "draft.fields", "too_many"),
    ({"fields": [{"type": "text"}]}, "draft.fields.0.name", "required"),
    ({"fields": [{"name": "rep1_id"}]}, "draft.fields.0.name", "unknown_field"),
    ({"fields": [{"name": "custom.Bad-Key", "type": "text"}]}, "draft.fields.0.name", "unknown_field"),
    ({"fields": [{"name": "_hp"}]}, "draft.fields.0.name", "reserved_field"),
    ({"fields": [{"name": "email"}, {"name": "email"}]}, "draft.fields.1.name", "duplicate_field"),
    ({"fields": [{"name": "email", "type": "text"}]}, "draft.fields.0.type", "field_type_mismatch"),
    ({"fields": [{"name": "custom.x", "type": "colour"}]}, "draft.fields.0.type", "invalid_option"),
    ({"fields": [{"name": "custom.x", "type": "text", "custom_type": "date"}]}, "draft.fields.0.custom_type",
     "field_type_mismatch"),
    ({"fields": [{"name": "custom.x", "type": "text", "options": ["a"]}]}, "draft.fields.0.options",
     "options_not_allowed"),
    ({"fields": [{"name": "custom.x", "type": "select", "options": ["a", 3]}]}, "draft.fields.0.options.1",
     "invalid_type"),
    ({"fields": [{"name": "language", "options": ["de"]}]}, "draft.fields.0.options", "invalid_option"),
    ({"fields": [{"name": "email", "required": "yes"}]}, "draft.fields.0.required", "invalid_type"),
    ({"fields": [{"name": "email", "size": 3}]}, "draft.fields.0.size", "unknown_key"),
    ({"list_id": 12}, "draft.list_id", "invalid_type"),
    ({"rep_user_id": ["u1"]}, "draft.rep_user_id", "invalid_type"),
    ({"thank_you": {"url": "http://example.com/merci"}}, "draft.thank_you.url", "invalid_url"),
    ({"thank_you": {"url": "javascript:alert(1)"}}, "draft.thank_you.url", "invalid_url"),
    ({"allowed_origins": ["https://example.com/path"]}, "draft.allowed_origins.0", "invalid_origin"),
    ({"allowed_origins": ["example.com"]}, "draft.allowed_origins.0", "invalid_origin"),
    ({"allowed_origins": ["https://example.com:70000"]}, "draft.allowed_origins.0", "invalid_origin"),
    ({"allowed_origins": ["https://a.com"] * 51}, "draft.allowed_origins", "too_many"),
    ({"consent": {"enabled": 1}}, "draft.consent.enabled", "invalid_type"),
    ({"task": {"due_in_days": 366}}, "draft.task.due_in_days", "out_of_range"),
    ({"task": {"due_in_days": "2"}}, "draft.task.due_in_days", "invalid_type"),
    ({"captcha": {"provider": "recaptcha"}}, "draft.captcha.provider", "invalid_option"),
    ({"min_fill_seconds": 601}, "draft.min_fill_seconds", "out_of_range"),
    ({"double_opt_in": "true"}, "draft.double_opt_in", "invalid_type"),
])
def test_a_draft_s_structure_is_refused_naming_its_path(draft, path, code):
    assert code in draft_errors(draft)[path]


def test_every_error_of_a_draft_is_named_at_once():
    errors = draft_errors({"language": "de", "fields": [{"name": "nope"}], "min_fill_seconds": -1})
    assert set(errors) == {"draft.language", "draft.fields.0.name", "draft.min_fill_seconds"}


def test_a_custom_field_may_come_without_its_type_the_builder_takes_it_from_the_catalogue():
    draft = d.check_draft({"fields": [{"name": "email"}, {"name": "custom.secteur", "options": ["a"]}]})
    assert draft["fields"][1]["type"] is None and draft["fields"][1]["options"] == ["a"]
    assert "draft.fields.1.type" in not_publishable({**draft, "list_id": "l", "title": {"fr": "t", "en": "t"},
                                                     "fields": [draft["fields"][0], {**draft["fields"][1],
                                                                                     "label": {"fr": "a",
                                                                                               "en": "b"}}]})


# Publishing ----------------------------------------------------------------------------------------------------------

def test_a_complete_draft_is_publishable():
    assert publishable()["list_id"] == "list-1"


def test_publishing_names_every_missing_part():
    draft = d.check_draft({"fields": [{"name": "first_name", "label": {"fr": "", "en": ""}},
                                      {"name": "custom.choix", "type": "select", "label": {"fr": "C", "en": "C"}}],
                           "thank_you": {"message": {"fr": "", "en": ""}},
                           "consent": {"enabled": True}, "task": {"enabled": True}})
    errors = not_publishable(draft)
    assert errors["draft.fields"] == ["email_field_required"]
    for path in ("draft.list_id", "draft.title.fr", "draft.title.en", "draft.fields.0.label.fr",
                 "draft.fields.0.label.en", "draft.fields.1.options", "draft.thank_you.message.fr",
                 "draft.consent.text.en", "draft.task.title.fr", "draft.task.rep_user_id"):
        assert errors[path] == ["required"], path


def test_a_french_form_needs_its_texts_in_french_only():
    draft = publishable()
    french = {**draft, "language": "fr", "title": {"fr": "Titre", "en": ""},
              "fields": [{**f, "label": {"fr": f["label"]["fr"], "en": ""}} for f in draft["fields"]]}
    assert d.check_publishable(french)["language"] == "fr"
    english_missing = {**french, "language": "en"}
    assert "draft.title.en" in not_publishable(english_missing)


def test_a_thank_you_url_stands_for_the_message():
    draft = publishable(thank_you={"url": "https://example.com/merci", "message": {"fr": "", "en": ""}})
    assert draft["thank_you"]["url"] == "https://example.com/merci"


# What a visitor sees -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("asked, shown", [("en", "en"), ("fr", "fr"), ("en-CA", "en"), ("FR-ca", "fr"),
                                          ("de", "fr"), (None, "fr")])
def test_a_bilingual_form_is_shown_in_the_visitor_s_language(asked, shown):
    view = d.public_view(publishable(), asked)
    assert view["language"] == shown
    assert view["title"] == {"fr": "Infolettre", "en": "Newsletter"}[shown]
    assert view["fields"][1]["label"] == {"fr": "Prénom", "en": "First name"}[shown]
    assert view["submit_label"] == {"fr": "Envoyer", "en": "Send"}[shown]


def test_a_one_language_form_is_shown_in_its_language_whatever_is_asked():
    draft = publishable(language="en")
    assert d.public_view(draft, "fr")["language"] == "en"


def test_the_public_view_holds_what_the_visitor_needs_and_nothing_else():
    draft = publishable(consent={"enabled": True, "text": {"fr": "J'accepte", "en": "I agree"}},
                        task={"enabled": True, "rep_user_id": "u1", "title": {"fr": "t", "en": "t"},
                              "due_in_days": 2}, rep_user_id="u2")
    view = d.public_view(draft, "en")
    assert set(view) == {"language", "title", "intro", "submit_label", "fields", "consent", "captcha", "thank_you",
                         "min_fill_seconds"}
    assert view["consent"] == {"enabled": True, "text": "I agree"}
    assert view["fields"][5] == {"name": "custom.secteur", "type": "select", "required": False, "label": "Sector",
                                 "options": ["Santé", "Éducation"]}
    assert "custom_type" not in view["fields"][11]
    assert view["thank_you"] == {"url": None, "message": "Thank you!"}


# A visitor's values --------------------------------------------------------------------------------------------------

def test_valid_values_are_typed_as_the_contacts_service_types_them():
    clean, errors, unknown = d.validate_values(publishable(), {
        "email": "  Ana@Example.com ", "first_name": "Ana", "phone": "514-222-3333 x444", "city": "",
        "language": "fr", "custom.secteur": "Santé", "custom.interets": ["a", "c", "a"], "custom.employes": "42",
        "custom.budget": "12,50", "custom.debut": "2026-12-07", "custom.membre": "on",
        "custom.site": "https://example.com", "custom.mot": "<b>bonjour</b>",
    }, "fr")
    assert errors == {} and unknown == []
    assert clean == {"email": "Ana@Example.com", "first_name": "Ana", "phone": "514-222-3333 x444", "language": "fr",
                     "custom.secteur": "Santé", "custom.interets": ["a", "c"], "custom.employes": 42,
                     "custom.budget": "12.50", "custom.debut": "2026-12-07", "custom.membre": True,
                     "custom.site": "https://example.com", "custom.mot": "<b>bonjour</b>"}
    assert d.split_clean(clean)[1]["employes"] == 42
    assert "custom.employes" not in d.split_clean(clean)[0]


def test_json_values_keep_their_types():
    clean, errors, _ = d.validate_values(publishable(), {"email": "a@b.co", "first_name": "A",
                                                         "custom.employes": 7.0, "custom.budget": 3,
                                                         "custom.membre": False, "custom.interets": "b"}, "en")
    assert errors == {}
    assert clean["custom.employes"] == 7 and clean["custom.budget"] == "3" and clean["custom.membre"] is False
    assert clean["custom.interets"] == ["b"]


@pytest.mark.parametrize("name, value, code", [
    ("email", None, "required"),
    ("email", "   ", "required"),
    ("first_name", "", "required"),
    ("email", "ana.example.com", "invalid_email"),
    ("email", "a" * 250 + "@b.co", "too_long"),
    ("first_name", "x" * 101, "too_long"),
    ("first_name", {"x": 1}, "invalid_text"),
    ("first_name", "a\x00", "invalid_text"),
    ("phone", "call me", "invalid_phone"),
    ("language", "de", "invalid_option"),
    ("custom.secteur", "Sport", "invalid_option"),
    ("custom.interets", ["a", "z"], "invalid_option"),
    ("custom.interets", [1], "invalid_multi"),
    ("custom.employes", "4.5", "invalid_number"),
    ("custom.employes", True, "invalid_number"),
    ("custom.employes", 2 ** 60, "invalid_number"),
    ("custom.budget", "1e5", "invalid_decimal"),
    ("custom.debut", "2026-02-30", "invalid_date"),
    ("custom.debut", "07/12/2026", "invalid_date"),
    ("custom.membre", "maybe", "invalid_boolean"),
    ("custom.site", "example.com", "invalid_url"),
    ("custom.site", "https://" + "a" * 2000, "too_long"),
    ("custom.mot", "m" * 10_001, "too_long"),
])
def test_each_bad_value_has_its_code(name, value, code):
    values = {"email": "a@b.co", "first_name": "A", name: value}
    clean, errors, _ = d.validate_values(publishable(), values, "fr")
    assert errors == {name: code}
    assert name not in clean


def test_a_custom_text_field_is_bounded_by_the_custom_field_s_length():
    draft = d.check_publishable({**publishable(), "fields": publishable()["fields"] + [
        {"name": "custom.court", "type": "text", "custom_type": "text", "required": False,
         "label": {"fr": "c", "en": "c"}}]})
    assert d.validate_values(draft, {"email": "a@b.co", "first_name": "A", "custom.court": "x" * 501},
                             "fr")[1] == {"custom.court": "too_long"}


def test_a_required_checkbox_must_be_ticked():
    draft = publishable()
    draft["fields"][10] = {**draft["fields"][10], "required": True}
    for value in (None, False, "false"):
        assert d.validate_values(draft, {"email": "a@b.co", "first_name": "A", "custom.membre": value},
                                 "fr")[1] == {"custom.membre": "required"}
    assert d.validate_values(draft, {"email": "a@b.co", "first_name": "A", "custom.membre": "true"}, "fr")[1] == {}


def test_unknown_names_are_reported_never_kept_and_reserved_ones_are_not_unknown():
    values = {"email": "a@b.co", "first_name": "A", "rep1_id": "me", "custom.nope": "x", "_hp": "",
              "_token": "t", "_consent": "on", "_captcha": "c", "_page_url": "https://x", "_lang": "fr"}
    clean, errors, unknown = d.validate_values(publishable(), values, "fr")
    assert errors == {}
    assert unknown == ["custom.nope", "rep1_id"]
    assert set(clean) == {"email", "first_name"}
    assert d.HONEYPOT_FIELD == "_hp" and d.HONEYPOT_FIELD in d.RESERVED_FIELDS


def test_values_that_are_not_an_object_are_as_nothing_posted():
    assert d.validate_values(publishable(), ["x"], "fr") == ({}, {"email": "required", "first_name": "required"}, [])


def test_text_is_kept_as_sent_never_sanitised():
    clean, _, _ = d.validate_values(publishable(), {"email": "a@b.co", "first_name": "<script>x</script>"}, "fr")
    assert clean["first_name"] == "<script>x</script>"


def test_validation_never_changes_the_definition():
    draft = publishable()
    before = copy.deepcopy(draft)
    d.validate_values(draft, {"email": "a@b.co", "first_name": "A", "custom.interets": ["a"]}, "fr")
    d.public_view(draft, "fr")
    assert draft == before


def test_the_standard_fields_are_the_contact_contract_s():
    from carnet_contracts.records import contact_fields
    contact = contact_fields()
    for name, spec in d.STANDARD_FIELDS.items():
        assert name in contact, name
        limits = [v.max for v in contact[name].validators if hasattr(v, "max") and v.max]
        if limits:
            assert spec["max_length"] == limits[0], name


def test_the_definition_agrees_with_the_api_s_contract():
    from carnet_contracts import forms as contract
    assert tuple(d.STANDARD_FIELDS) == contract.STANDARD_FIELDS
    assert d.FIELD_TYPES == contract.FIELD_TYPES and d.CAPTCHA_PROVIDERS == contract.CAPTCHA_PROVIDERS
    assert (d.MAX_FIELDS, d.MAX_OPTIONS, d.MAX_ORIGINS) == (contract.MAX_FIELDS, contract.MAX_OPTIONS,
                                                           contract.MAX_ORIGINS)
    loaded = contract.FormUpdate().load({"draft": {"fields": [{"name": "email"}, {"name": "custom.secteur"}],
                                                   "title": {"fr": " Titre "}}})
    assert d.check_draft(loaded["draft"])["title"] == {"fr": "Titre", "en": ""}
