"""The submit path's kept versions (``intake/published.py``) never serve a post a form it no longer has (F-2, F-5):
a post right after a publish is checked against and stored with the new version, one right after an unpublish is
NotFound with nothing stored; and ``form_policy`` (the gateway's origin check) answers the allowed origins without
counting a view (F-4). Each test posts first so that the forms process has the form in hand before it changes."""
import pytest
import sqlalchemy as sa
from test_intake import Org, draft, meta

from carnet_common.errors import NotFound


@pytest.fixture(scope="module")
def org(forms_rpc, forms_contacts_rpc):
    return Org(forms_rpc, forms_contacts_rpc)


def post(forms_rpc, form, values):
    token = forms_rpc.render_form(form["key"], "fr")["render_token"]
    return forms_rpc.submit_form(form["key"], values, meta(render_token=token, language="fr"))


def stored(engine, form_id):
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(
            "SELECT version, data->>'email' FROM forms.submissions WHERE form_id = :id ORDER BY received_at"),
            {"id": form_id})]


def test_a_post_after_a_publish_is_checked_against_and_stored_with_the_new_version(forms_rpc, forms_engine, org):
    form = org.form()
    assert post(forms_rpc, form, {"email": "first@example.com"})["outcome"] == "accepted"
    fields = draft(org.list_id)["fields"]
    fields[2] = {**fields[2], "required": True}   # city now required
    forms_rpc.update_form(org.actor, form["id"], {"draft": draft(org.list_id, fields=fields)})
    assert forms_rpc.publish_form(org.actor, form["id"])["current_version"] == 2
    refused = post(forms_rpc, form, {"email": "second@example.com"})
    assert refused["outcome"] == "invalid" and refused["errors"] == {"city": "required"}
    assert post(forms_rpc, form, {"email": "third@example.com", "city": "Gatineau"})["outcome"] == "accepted"
    assert stored(forms_engine, form["id"]) == [(1, "first@example.com"), (2, "third@example.com")]


def test_a_post_after_an_unpublish_is_not_found_and_nothing_is_stored(forms_rpc, forms_engine, org):
    form = org.form()
    token = forms_rpc.render_form(form["key"], "fr")["render_token"]
    assert post(forms_rpc, form, {"email": "before@example.com"})["outcome"] == "accepted"
    forms_rpc.unpublish_form(org.actor, form["id"])
    with pytest.raises(NotFound):
        forms_rpc.submit_form(form["key"], {"email": "after@example.com"}, meta(render_token=token))
    assert stored(forms_engine, form["id"]) == [(1, "before@example.com")]


def test_the_policy_names_the_allowed_origins_and_counts_no_view(forms_rpc, org):
    form = org.form(allowed_origins=["https://www.example.com", "http://localhost:8080"])
    views = forms_rpc.form_stats(org.actor, form["id"], {})["views"]
    assert forms_rpc.form_policy(form["key"]) == {"allowed_origins": ["https://www.example.com",
                                                                      "http://localhost:8080"]}
    assert forms_rpc.form_policy(org.form()["key"]) == {"allowed_origins": []}
    forms_rpc.render_form(form["key"], "fr")   # a view counted: the policy's answers were handled before it
    assert forms_rpc.form_stats(org.actor, form["id"], {})["views"] == views + 1


@pytest.mark.parametrize("key", ["nope", "", "x" * 500, None, 12])
def test_the_policy_of_an_unknown_key_is_not_found(forms_rpc, key):
    with pytest.raises(NotFound):
        forms_rpc.form_policy(key)


def test_the_policy_of_an_unpublished_form_is_not_found(forms_rpc, org):
    form = org.form()
    forms_rpc.unpublish_form(org.actor, form["id"])
    with pytest.raises(NotFound):
        forms_rpc.form_policy(form["key"])
