"""The builder area over RPC (F-1, F-2): a form's draft saved incomplete, its custom fields typed from the
organization's custom fields of module contacts (asked of the contacts service), publishing into immutable
versions, unpublishing, the webhook secret, deleting, and every form kept to its organization."""
import re
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from carnet_common.errors import Conflict, InvalidInput, NotFound
from carnet_forms.builder import repository

KEY = re.compile(r"^[A-Za-z0-9_-]{22}$")
SECRET = re.compile(r"^[0-9a-f]{64}$")


def forms_actor(org, user="u1", *, is_admin=False):
    return {"org_id": org, "user_id": user, "is_admin": is_admin, "request_id": None,
            "timezone": "America/Toronto", "language": "fr"}


def contacts_actor(org, user="u1", *, is_admin=True):
    return {"org_id": org, "user_id": user, "is_admin": is_admin, "request_id": None,
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False},
            "subordinate_ids": [], "timezone": "America/Toronto"}


@pytest.fixture(scope="module")
def org(forms_contacts_rpc):
    """An organization with a list and custom fields of module contacts (one of them hidden)."""
    org_id = "org-builder-" + uuid.uuid4().hex[:8]
    admin = contacts_actor(org_id)
    for body in ({"key": "secteur", "type": "single_choice", "label_fr": "Secteur", "label_en": "Industry",
                  "choices": ["Santé", "Éducation"]},
                 {"key": "employes", "type": "number", "label_fr": "Employés", "label_en": "Employees"},
                 {"key": "site", "type": "url", "label_fr": "Site", "label_en": "Site"},
                 {"key": "interne", "type": "text", "label_fr": "Interne", "label_en": "Internal", "hidden": True}):
        forms_contacts_rpc.create_custom_field(admin, "contacts", body)
    target = forms_contacts_rpc.create_list(admin, {"name": "Infolettre"})
    return {"id": org_id, "list_id": target["id"]}


def complete_draft(list_id, **changes):
    return {"language": "both", "title": {"fr": "Infolettre", "en": "Newsletter"},
            "fields": [{"name": "email", "required": True}, {"name": "first_name"},
                       {"name": "custom.secteur", "options": ["Santé"]}, {"name": "custom.employes"}],
            "list_id": list_id, **changes}


def test_a_form_from_draft_to_published_versions(forms_rpc, forms_engine, org):
    me = forms_actor(org["id"])

    catalog = {item["name"]: item for item in forms_rpc.form_field_catalog(me)}
    assert catalog["email"] == {"name": "email", "type": "email", "label": {"fr": "Courriel", "en": "Email"},
                                "custom": False}
    assert catalog["language"]["options"] == ["fr", "en"]
    assert catalog["custom.secteur"] == {"name": "custom.secteur", "type": "select", "custom": True,
                                         "label": {"fr": "Secteur", "en": "Industry"},
                                         "options": ["Santé", "Éducation"]}
    assert catalog["custom.site"]["type"] == "text"
    assert "custom.interne" not in catalog and "rep1_id" not in catalog   # hidden; never a contact's form field
    assert catalog == {i["name"]: i for i in forms_rpc.form_field_catalog(forms_actor(org["id"], is_admin=True))}

    created = forms_rpc.create_form(me, {"name": "Infolettre"})
    assert created["status"] == "draft" and created["current_version"] is None and created["published_at"] is None
    assert KEY.match(created["key"]) and SECRET.match(created["webhook_secret"])
    assert [f["name"] for f in created["draft"]["fields"]] == ["email"]
    form_id = created["id"]

    with pytest.raises(Conflict) as refused:   # F-2: an incomplete draft is saved but not published
        forms_rpc.publish_form(me, form_id)
    assert refused.value.code == "form_not_publishable"
    assert {"draft.list_id", "draft.title.fr", "draft.title.en"} <= set(refused.value.errors)

    saved = forms_rpc.update_form(me, form_id, {"name": "Infolettre 2027", "draft": complete_draft(org["list_id"])})
    assert saved["name"] == "Infolettre 2027" and saved["key"] == created["key"]
    secteur, employes = saved["draft"]["fields"][2:]
    assert secteur == {"name": "custom.secteur", "type": "select", "custom_type": "single_choice", "required": False,
                       "label": {"fr": "Secteur", "en": "Industry"}, "options": ["Santé"]}
    assert employes["type"] == "number" and employes["custom_type"] == "number"

    published = forms_rpc.publish_form(me, form_id)
    assert published["status"] == "published" and published["current_version"] == 1 and published["published_at"]
    first = forms_rpc.get_form_version(me, form_id, 1)
    assert first["definition"] == saved["draft"] and first["published_by"] == "u1"

    # A change after publishing is the draft's; version 1 never changes (F-2).
    changed = forms_rpc.update_form(me, form_id, {"draft": complete_draft(
        org["list_id"], title={"fr": "Infolettre (nouvelle)", "en": "Newsletter (new)"})})
    assert changed["current_version"] == 1 and changed["draft"]["title"]["fr"] == "Infolettre (nouvelle)"
    assert forms_rpc.get_form_version(me, form_id, 1) == first
    with Session(forms_engine) as session:
        served = repository.current_version_by_key(session, created["key"])
    assert served == {"form_id": form_id, "org_id": org["id"], "key": created["key"], "status": "published",
                      "number": 1, "definition": first["definition"], "webhook_secret": created["webhook_secret"]}

    second = forms_rpc.publish_form(forms_actor(org["id"], user="u2"), form_id)
    assert second["current_version"] == 2
    assert [(v["number"], v["published_by"]) for v in forms_rpc.list_form_versions(me, form_id)] == [(2, "u2"),
                                                                                                     (1, "u1")]
    assert forms_rpc.get_form_version(me, form_id, 2)["definition"]["title"]["fr"] == "Infolettre (nouvelle)"
    with pytest.raises(NotFound):
        forms_rpc.get_form_version(me, form_id, 3)

    unpublished = forms_rpc.unpublish_form(me, form_id)
    assert unpublished["status"] == "unpublished" and unpublished["current_version"] == 2
    with Session(forms_engine) as session:
        assert repository.current_version_by_key(session, created["key"])["status"] == "unpublished"
        assert repository.current_version_by_key(session, "no-such-key") is None
    assert forms_rpc.publish_form(me, form_id)["status"] == "published"   # publishing again re-enables

    rotated = forms_rpc.rotate_webhook_secret(me, form_id)
    assert SECRET.match(rotated["webhook_secret"]) and rotated["webhook_secret"] != created["webhook_secret"]
    assert forms_rpc.get_form(me, form_id)["webhook_secret"] == rotated["webhook_secret"]

    listed = forms_rpc.list_forms(me)
    assert listed[0]["id"] == form_id   # most recently changed first
    assert listed[0]["stats"] == {"views": 0, "submissions": 0, "quarantined": 0}
    assert listed[0]["status"] == "published" and listed[0]["current_version"] == 3


def test_a_draft_names_only_the_organization_s_fields_and_lists(forms_rpc, forms_contacts_rpc, org):
    me = forms_actor(org["id"])
    form_id = forms_rpc.create_form(me, {"name": "Contrôles"})["id"]
    elsewhere = forms_contacts_rpc.create_list(contacts_actor("org-other-" + uuid.uuid4().hex[:8]), {"name": "X"})
    cases = [
        ({"fields": [{"name": "email"}, {"name": "custom.absent"}]}, "draft.fields.1.name", "unknown_custom_field"),
        ({"fields": [{"name": "email"}, {"name": "custom.interne"}]}, "draft.fields.1.name", "unknown_custom_field"),
        ({"fields": [{"name": "email"}, {"name": "custom.secteur", "options": ["Sport"]}]},
         "draft.fields.1.options", "invalid_option"),
        ({"fields": [{"name": "email"}, {"name": "custom.employes", "type": "text"}]}, "draft.fields.1.type",
         "field_type_mismatch"),
        ({"list_id": elsewhere["id"]}, "draft.list_id", "unknown_list"),
        ({"fields": [{"name": "rep1_id"}]}, "draft.fields.0.name", None),   # the contract's pattern
        ({"min_fill_seconds": 601}, "draft.min_fill_seconds", None),
    ]
    for draft, path, code in cases:
        with pytest.raises(InvalidInput) as refused:
            forms_rpc.update_form(me, form_id, {"draft": draft})
        assert path in refused.value.errors, (draft, refused.value.errors)
        if code:
            assert refused.value.errors[path] == [code]
    with pytest.raises(InvalidInput):
        forms_rpc.create_form(me, {"name": "x", "draft": {"fields": [{"name": "custom.absent"}]}})
    with pytest.raises(InvalidInput):
        forms_rpc.create_form(me, {"draft": {}})   # a name is required
    assert forms_rpc.get_form(me, form_id)["draft"]["fields"] == [
        {"name": "email", "type": "email", "required": True, "label": {"fr": "Courriel", "en": "Email"}}]

    with pytest.raises(Conflict) as refused:   # a form never published cannot be unpublished
        forms_rpc.unpublish_form(me, form_id)
    assert refused.value.code == "form_not_published"

    # The form's list, gone since the draft was saved, stops the publish (409: the request was valid).
    doomed = forms_contacts_rpc.create_list(contacts_actor(org["id"]), {"name": "Éphémère"})
    forms_rpc.update_form(me, form_id, {"draft": complete_draft(doomed["id"])})
    forms_contacts_rpc.delete_list(contacts_actor(org["id"]), doomed["id"])
    with pytest.raises(Conflict) as refused:
        forms_rpc.publish_form(me, form_id)
    assert refused.value.errors == {"draft.list_id": ["unknown_list"]}

    # A user may keep the list another chose, not name one they cannot access.
    other_user = forms_actor(org["id"], user="u9")
    forms_rpc.update_form(me, form_id, {"draft": complete_draft(org["list_id"])})
    assert forms_rpc.update_form(other_user, form_id, {"draft": complete_draft(org["list_id"], title={
        "fr": "Gardée", "en": "Kept"})})["draft"]["list_id"] == org["list_id"]
    private = forms_contacts_rpc.create_list(contacts_actor(org["id"]), {"name": "Privée", "private": True})
    with pytest.raises(InvalidInput) as refused:
        forms_rpc.update_form(other_user, form_id, {"draft": complete_draft(private["id"])})
    assert refused.value.errors == {"draft.list_id": ["unknown_list"]}


def test_another_organization_cannot_reach_a_form(forms_rpc, org):
    me = forms_actor(org["id"])
    form = forms_rpc.create_form(me, {"name": "Privé", "draft": complete_draft(org["list_id"])})
    forms_rpc.publish_form(me, form["id"])
    intruder = forms_actor("org-intruder-" + uuid.uuid4().hex[:8], user="u1", is_admin=True)
    attempts = [
        lambda: forms_rpc.get_form(intruder, form["id"]),
        lambda: forms_rpc.update_form(intruder, form["id"], {"name": "pris"}),
        lambda: forms_rpc.update_form(intruder, form["id"], {"draft": complete_draft(org["list_id"])}),
        lambda: forms_rpc.publish_form(intruder, form["id"]),
        lambda: forms_rpc.unpublish_form(intruder, form["id"]),
        lambda: forms_rpc.rotate_webhook_secret(intruder, form["id"]),
        lambda: forms_rpc.list_form_versions(intruder, form["id"]),
        lambda: forms_rpc.get_form_version(intruder, form["id"], 1),
        lambda: forms_rpc.delete_form(intruder, form["id"]),
        lambda: forms_rpc.get_form(me, "not-a-uuid"),
        lambda: forms_rpc.get_form(me, str(uuid.uuid4())),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert form["id"] not in [f["id"] for f in forms_rpc.list_forms(intruder)]
    after = forms_rpc.get_form(me, form["id"])
    assert after["name"] == "Privé" and after["status"] == "published" and after["current_version"] == 1
    assert after["webhook_secret"] == form["webhook_secret"]


def test_a_form_without_submissions_is_deleted_one_with_some_is_kept(forms_rpc, forms_engine, org):
    me = forms_actor(org["id"])
    empty = forms_rpc.create_form(me, {"name": "Vide", "draft": complete_draft(org["list_id"])})
    forms_rpc.publish_form(me, empty["id"])
    assert forms_rpc.render_form(empty["key"], "fr")["form"]["title"] == "Infolettre"   # a view counted
    assert {f["id"]: f["stats"] for f in forms_rpc.list_forms(me)}[empty["id"]] == {
        "views": 1, "submissions": 0, "quarantined": 0}
    assert forms_rpc.delete_form(me, empty["id"]) is None
    with forms_engine.connect() as connection:   # its views went with it
        assert connection.execute(sa.text("SELECT count(*) FROM forms.form_views WHERE form_id = :id"),
                                  {"id": empty["id"]}).scalar() == 0
    with pytest.raises(NotFound):
        forms_rpc.get_form(me, empty["id"])
    with pytest.raises(NotFound):
        forms_rpc.list_form_versions(me, empty["id"])

    used = forms_rpc.create_form(me, {"name": "Utilisé", "draft": complete_draft(org["list_id"])})
    forms_rpc.publish_form(me, used["id"])
    answer = forms_rpc.submit_form(used["key"], {"email": "ana@example.com"}, {
        "channel": "html", "render_token": None, "origin": None, "referer": None, "page_url": None,
        "ip": "127.0.0.1", "user_agent": "pytest", "language": "fr", "origin_allowed": None, "captcha_token": None})
    assert answer["submission_id"]
    with pytest.raises(Conflict) as refused:
        forms_rpc.delete_form(me, used["id"])
    assert refused.value.errors == {"id": ["form_has_submissions"]}
    assert forms_rpc.get_form(me, used["id"])["status"] == "published"
