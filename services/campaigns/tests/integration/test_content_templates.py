"""The content area over RPC (E-2, E-8): built-in templates first, own templates per organization, merge fields
checked, HTML sanitised on save, optimistic versions, built-ins read-only, a template from a sent e-mail, previews."""
import uuid

import pytest
import sqlalchemy as sa

from carnet_common.errors import Conflict, InvalidInput, NotFound


def actor(user="u1", org="org-content-1", **extra):
    return {"org_id": org, "user_id": user, "is_admin": False, "list_ids": [], "timezone": "America/Toronto",
            "flags": {}, "language": "en", **extra}


def test_templates_crud_rules(camp_rpc):
    org = "org-" + uuid.uuid4().hex[:8]
    me = actor(org=org)
    listed = camp_rpc.list_templates(me)
    assert [item["id"] for item in listed][:1] == ["builtin:blank"] and all(item["builtin"] for item in listed)
    assert camp_rpc.list_templates({**me, "language": "fr"})[0]["name"] == "Vierge"

    created = camp_rpc.create_template(me, {
        "name": "Bienvenue", "subject": "Bonjour {{ first_name }}",
        "html": "<p onclick=\"x()\">Bonjour {{ first_name | \"client\" }}</p><script>alert(1)</script>"
                "<a href=\"javascript:alert(1)\">x</a>",
        "text": ""})
    assert created["html"] == "<p>Bonjour {{ first_name | \"client\" }}</p><a rel=\"noopener noreferrer\">x</a>"
    assert created["version"] == 1 and created["merge_fields"] == ["first_name"] and not created["builtin"]
    assert camp_rpc.list_templates(me)[-1]["id"] == created["id"]

    with pytest.raises(NotFound):
        camp_rpc.get_template(actor(org="another-org"), created["id"])
    with pytest.raises(NotFound):
        camp_rpc.update_template(actor(org="another-org"), created["id"], {"version": 1, "name": "x"})
    with pytest.raises(NotFound):
        camp_rpc.delete_template(actor(org="another-org"), created["id"])

    with pytest.raises(InvalidInput) as refused:
        camp_rpc.create_template(me, {"name": "x", "subject": "{{ company }}", "html": "<p>{{ first_name </p>"})
    assert refused.value.errors == {"subject": ["merge_field_unknown"], "html": ["merge_field_broken"]}
    with pytest.raises(InvalidInput) as refused:
        camp_rpc.create_template(me, {"name": "x", "subject": "a\r\nBcc: x@y.z"})
    assert refused.value.errors == {"subject": ["header_line_break"]}

    changed = camp_rpc.update_template(actor(user="u2", org=org), created["id"],
                                       {"version": 1, "text": "Bonjour {{ first_name }}"})
    assert changed["version"] == 2 and changed["text"] == "Bonjour {{ first_name }}"
    with pytest.raises(Conflict) as stale:
        camp_rpc.update_template(me, created["id"], {"version": 1, "name": "late"})
    assert stale.value.errors == {"version": ["version_conflict"]}
    with pytest.raises(InvalidInput):
        camp_rpc.update_template(me, created["id"], {"version": 2, "text": "{{ nope }}"})

    for change in (lambda: camp_rpc.update_template(me, "builtin:blank", {"version": 1, "name": "x"}),
                   lambda: camp_rpc.delete_template(me, "builtin:blank")):
        with pytest.raises(Conflict) as read_only:
            change()
        assert read_only.value.errors == {"id": ["template_builtin_read_only"]}
    with pytest.raises(NotFound):
        camp_rpc.get_template(me, "builtin:nope")

    camp_rpc.delete_template(me, created["id"])
    with pytest.raises(NotFound):
        camp_rpc.get_template(me, created["id"])


def test_preview_in_each_language(camp_rpc):
    me = actor(org="org-" + uuid.uuid4().hex[:8])
    preview = camp_rpc.preview_template(me, "builtin:follow_up", {})
    assert [item["language"] for item in preview["previews"]] == ["en", "fr"]
    english, french = preview["previews"]
    assert english["subject"] == "Following up, Jane" and "Bonjour Sophie" in french["html"]
    own = camp_rpc.create_template(me, {"name": "P", "subject": "{{ full_name }}",
                                        "html": "<p>{{ email }}</p>"})
    only = camp_rpc.preview_template(me, own["id"], {"language": "fr"})["previews"]
    assert only == [{"language": "fr", "subject": "Sophie Tremblay", "html": "<p>sophie.tremblay@example.com</p>",
                     "html_shown": "<p>sophie.tremblay@example.com</p>", "text": "sophie.tremblay@example.com"}]
    with pytest.raises(InvalidInput):
        camp_rpc.preview_template(me, own["id"], {"language": "de"})


def _campaign(engine, *, org, status, kind="campaign", created_by="u1"):
    campaign_id = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO campaigns.campaigns (id, org_id, kind, name, status, subject, html, text, created_by) "
            "VALUES (:id, :org, :kind, 'Infolettre de mai', :status, 'Mai, {{ first_name }}', "
            "'<p>Bonjour</p><img src=x onerror=alert(1)>', 'Bonjour', :by)"),
            {"id": campaign_id, "org": org, "kind": kind, "status": status, "by": created_by})
    return campaign_id


def test_template_from_a_sent_email(camp_rpc, camp_engine):
    org = "org-" + uuid.uuid4().hex[:8]
    me = actor(org=org)
    sent = _campaign(camp_engine, org=org, status="sent")
    made = camp_rpc.create_template_from_campaign(me, sent, {})
    assert (made["name"], made["subject"], made["html"], made["text"], made["source_campaign_id"]) == (
        "Infolettre de mai", "Mai, {{ first_name }}", "<p>Bonjour</p><img>", "Bonjour", sent)
    assert camp_rpc.create_template_from_campaign(me, sent, {"name": "Copie"})["name"] == "Copie"
    with pytest.raises(NotFound):
        camp_rpc.create_template_from_campaign(actor(org="another-org"), sent, {})
    with pytest.raises(Conflict):
        camp_rpc.create_template_from_campaign(me, _campaign(camp_engine, org=org, status="draft"), {})
    single = _campaign(camp_engine, org=org, status="sent", kind="single", created_by="u9")
    with pytest.raises(NotFound):   # another user's one-to-one e-mail
        camp_rpc.create_template_from_campaign(me, single, {})
    assert camp_rpc.create_template_from_campaign({**me, "is_admin": True}, single, {})["source_campaign_id"] == single
