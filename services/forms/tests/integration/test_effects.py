"""What a submission becomes (F-3, F-4, F-5, E-11), across the four services as processes: a contact of the form's
list (contacts), the consent in the ledger (campaigns), the follow-up task (opportunities), the double opt-in mail at
the relay and, its link followed, express consent. Once per submission: the same address again updates the same
contact without blanking what it had; a republished event makes no second contact; submissions acknowledged while
contacts is down all become contacts, each once, when it is back.

Submissions go through the forms RPC as the gateway sends them (``render_form`` for a token, then ``submit_form``);
absences are asserted after proof that the event was handled (its inbox row)."""
import re
import time
import uuid

import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher

from carnet_common.errors import InvalidInput, NotFound
from carnet_common.events import make_envelope
from carnet_forms.effects import rules
from carnet_forms.intake import tokens
from carnet_testing import eventually, handled, rpc_config

PAGE = "https://www.example.com/contact"
LINK = re.compile(r"/f/confirm/(\S+)")


def _org():
    org_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
    base = {"org_id": org_id, "user_id": user_id, "is_admin": True, "request_id": None,
            "timezone": "America/Toronto"}
    return {"forms": {**base, "language": "fr"},
            "contacts": {**base, "flags": {"all_contacts": False, "hierarchy_contacts": False,
                                           "own_records_only": False}, "subordinate_ids": []}}


def _draft(list_id, rep_user_id, *, double_opt_in, task, contact_rep=None):
    both = {"fr": "Infolettre", "en": "Newsletter"}
    return {
        "language": "both", "title": both, "intro": {"fr": "Écrivez-nous", "en": "Write to us"},
        "submit_label": {"fr": "Envoyer", "en": "Send"},
        "fields": [
            {"name": "email", "type": "email", "required": True, "label": {"fr": "Courriel", "en": "E-mail"}},
            {"name": "first_name", "type": "text", "required": False, "label": {"fr": "Prénom", "en": "First name"}},
            {"name": "last_name", "type": "text", "required": False, "label": {"fr": "Nom", "en": "Last name"}},
            {"name": "custom.secteur", "type": "text", "required": False, "label": {"fr": "Secteur", "en": "Sector"}},
        ],
        "list_id": list_id,
        "rep_user_id": contact_rep,
        "thank_you": {"url": None, "message": {"fr": "Merci!", "en": "Thank you!"}},
        "allowed_origins": [],
        "consent": {"enabled": True, "text": {"fr": "J'accepte de recevoir vos courriels",
                                              "en": "I agree to receive your e-mails"}},
        "double_opt_in": double_opt_in,
        "task": {"enabled": task, "rep_user_id": rep_user_id, "title": {"fr": "Rappeler", "en": "Call back"},
                 "due_in_days": 2},
        "captcha": {"provider": "none"},
        "min_fill_seconds": 0,
    }


@pytest.fixture(scope="module")
def org(forms_rpc, forms_contacts_rpc):
    """An organization with a list, a custom field, a double opt-in form asking for a task and making its new
    contacts the user's (``form``) and a plain one (``plain``: consent box, no double opt-in, no task, no rep), both
    published."""
    actors = _org()
    list_id = forms_contacts_rpc.create_list(actors["contacts"], {"name": "Infolettre"})["id"]
    forms_contacts_rpc.create_custom_field(actors["contacts"], "contacts", {
        "key": "secteur", "type": "text", "label_fr": "Secteur", "label_en": "Sector"})
    made = {}
    for name, double_opt_in, task in (("form", True, True), ("plain", False, False)):
        form = forms_rpc.create_form(actors["forms"], {"name": name, "draft": _draft(
            list_id, actors["forms"]["user_id"], double_opt_in=double_opt_in, task=task,
            contact_rep=actors["forms"]["user_id"] if task else None)})
        made[name] = forms_rpc.publish_form(actors["forms"], form["id"])
    return {**actors, "list_id": list_id, **made,
            "campaigns": {**actors["contacts"], "list_ids": [list_id], "language": "fr"}}


def submit(forms_rpc, form, values, *, language="fr", outcome="accepted"):
    rendered = forms_rpc.render_form(form["key"], language)
    answer = forms_rpc.submit_form(form["key"], values, {
        "channel": "embed", "render_token": rendered["render_token"], "origin": "https://www.example.com",
        "referer": PAGE, "page_url": PAGE, "ip": "203.0.113.9", "user_agent": "pytest", "language": language,
        "origin_allowed": True, "captcha_token": None})
    assert answer["outcome"] == outcome, answer
    return answer["submission_id"]


def applied(forms_rpc, org, form, submission_id, timeout=20):
    """The submission once effects applied it (its ``contact_id``)."""
    return eventually(lambda: forms_rpc.get_submission(org["forms"], form["id"], submission_id),
                      lambda s: s["contact_id"] is not None and s["applied_at"] is not None, timeout=timeout,
                      what=f"submission {submission_id} applied")


def contacts_with(engine, org_id, email):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT id FROM contacts.contacts WHERE org_id = :org AND lower(email) = "
                                    "lower(:email) AND deleted_at IS NULL"), {"org": org_id, "email": email}
                            ).scalars().all()


def outbox_event(engine, schema, event_type, key, value):
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT envelope FROM {schema}.outbox WHERE event_type = :type "
                                    f"AND envelope->'data'->>'{key}' = :value"),
                            {"type": event_type, "value": value}).scalars().all()


def consents(proxy, org, contact_id, count):
    return eventually(lambda: proxy.campaigns.contact_consents(org["campaigns"], contact_id),
                      lambda ledger: len(ledger["consents"]) >= count, what="consents in the ledger")


def test_a_submission_becomes_a_contact_a_consent_a_task_and_a_confirmation(
        org, forms_rpc, forms_proxy, forms_relay, forms_engine, forms_env):
    email = f"marie.{uuid.uuid4().hex[:8]}@example.test"
    submission_id = submit(forms_rpc, org["form"], {"email": email, "first_name": "Marie", "last_name": "Curie",
                                                    "custom.secteur": "Santé", "_consent": True})
    contact_id = applied(forms_rpc, org, org["form"], submission_id)["contact_id"]

    contact = forms_proxy.contacts.get_contact(org["contacts"], contact_id)
    assert (contact["email"], contact["first_name"], contact["last_name"]) == (email, "Marie", "Curie")
    assert contact["list_ids"] == [org["list_id"]] and contact["custom"] == {"secteur": "Santé"}
    assert contact["language"] == "fr"  # the visitor's, the contact having none
    assert (contact["rep1_id"], contact["rep2_id"]) == (org["forms"]["user_id"], None)  # the form's rep (S-4)
    history = forms_proxy.contacts.get_contact_history(org["contacts"], contact_id)
    entry = [h for h in history if h["field"] == "form_submission"]
    assert len(entry) == 1 and entry[0]["user_id"] is None
    assert entry[0]["new"]["form_id"] == org["form"]["id"] and entry[0]["new"]["submission_id"] == submission_id

    # double opt-in: an inquiry (implied, 6 months) until the link is followed
    ledger = consents(forms_proxy, org, contact_id, 1)
    assert ledger["state"] == "implied"
    (given,) = ledger["consents"]
    assert (given["kind"], given["basis"], given["source"]) == ("implied", "inquiry", "form")
    assert PAGE in given["proof"] and "J'accepte de recevoir vos courriels" in given["proof"]

    tasks = eventually(lambda: forms_proxy.opportunities.list_tasks(
        {**org["campaigns"]}, {"contact_id": contact_id})["items"], what="the form's task")
    assert [(t["title"], t["assignee_id"], t["contact_id"]) for t in tasks] == [
        ("Rappeler", org["forms"]["user_id"], contact_id)]

    mail = eventually(lambda: forms_relay.to(email), what="the confirmation mail")
    assert len(mail) == 1 and mail[0]["Subject"] == "Confirmez votre inscription"
    body = mail[0].get_content()
    assert "« Infolettre »" in body
    token = LINK.search(body).group(1)
    assert forms_rpc.confirm_subscription(token, {"ip": "198.51.100.7"}) == {"outcome": "confirmed",
                                                                             "language": "fr"}
    assert forms_rpc.confirm_subscription(token)["outcome"] == "already_confirmed"
    ledger = consents(forms_proxy, org, contact_id, 2)
    assert ledger["state"] == "express"
    confirmed = [c for c in ledger["consents"] if c["kind"] == "express"]
    assert [c["source"] for c in confirmed] == ["double_opt_in"] and "198.51.100.7" in confirmed[0]["proof"]
    assert len(outbox_event(forms_engine, "forms", "consent_confirmed", "submission_id", submission_id)) == 1

    # the same address again (other case), an empty first name: the same contact, its first name kept
    again = submit(forms_rpc, org["form"], {"email": email.upper(), "first_name": "", "last_name": "Skłodowska"})
    assert applied(forms_rpc, org, org["form"], again)["contact_id"] == contact_id
    contact = forms_proxy.contacts.get_contact(org["contacts"], contact_id)
    assert (contact["first_name"], contact["last_name"]) == ("Marie", "Skłodowska")
    assert contacts_with(forms_engine, org["forms"]["org_id"], email) == [contact_id]
    with forms_engine.connect() as conn:  # the box unticked: no second mail asking to subscribe
        assert conn.execute(sa.text("SELECT count(*) FROM forms.confirmations WHERE submission_id = :id"),
                            {"id": again}).scalar() == 0

    # republished (a new event id: past the inbox): still one contact, the same answer
    (envelope,) = outbox_event(forms_engine, "forms", "submission_accepted", "submission_id", submission_id)
    replay = {**envelope, "event_id": str(uuid.uuid4())}
    event_dispatcher(rpc_config(forms_env))("forms", "submission_accepted", replay)
    handled(forms_engine, "contacts", [replay["event_id"]], handler="contacts.on_form_submission_accepted")
    assert contacts_with(forms_engine, org["forms"]["org_id"], email) == [contact_id]
    answers = outbox_event(forms_engine, "contacts", "form_submission_applied", "submission_id", submission_id)
    assert [a["data"]["contact_id"] for a in answers] == [contact_id, contact_id]
    assert [a["data"]["created"] for a in answers] == [True, True]


def test_a_ticked_box_without_double_opt_in_is_express_and_asks_for_no_task(
        org, forms_rpc, forms_proxy, forms_relay, forms_engine):
    email = f"paul.{uuid.uuid4().hex[:8]}@example.test"
    submission_id = submit(forms_rpc, org["plain"], {"email": email, "last_name": "Roy", "_consent": "on"},
                           language="en")
    contact_id = applied(forms_rpc, org, org["plain"], submission_id)["contact_id"]
    assert forms_proxy.contacts.get_contact(org["contacts"], contact_id)["rep1_id"] is None  # a form without a rep
    ledger = consents(forms_proxy, org, contact_id, 1)
    assert ledger["state"] == "express"
    assert [(c["kind"], c["source"]) for c in ledger["consents"]] == [("express", "form")]
    assert "I agree to receive your e-mails" in ledger["consents"][0]["proof"]
    (event,) = outbox_event(forms_engine, "forms", "submission_applied", "submission_id", submission_id)
    assert event["data"]["task"] is None
    handled(forms_engine, "opportunities", [event["event_id"]],
            handler="opportunities.tasks_on_form_submission_applied")
    assert forms_proxy.opportunities.list_tasks(org["campaigns"], {"contact_id": contact_id})["items"] == []
    with forms_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM forms.confirmations WHERE submission_id = :id"),
                            {"id": submission_id}).scalar() == 0
    assert forms_relay.to(email) == []


def test_a_confirmation_link_not_ours_or_too_old_confirms_nothing(org, forms_rpc, forms_env, forms_engine):
    key = (forms_env.get("FORMS_SIGNING_SECRET") or tokens.DEV_SECRET).encode()
    with pytest.raises(NotFound):
        forms_rpc.confirm_subscription(rules.confirmation_token(str(uuid.uuid4()), key=key))  # no such submission
    with pytest.raises(NotFound):
        forms_rpc.confirm_subscription("not-a-token")
    email = f"old.{uuid.uuid4().hex[:8]}@example.test"
    submission_id = submit(forms_rpc, org["form"], {"email": email, "_consent": True})
    applied(forms_rpc, org, org["form"], submission_id)
    with pytest.raises(NotFound):  # signed with another key
        forms_rpc.confirm_subscription(rules.confirmation_token(submission_id, key=b"another key"))
    with pytest.raises(InvalidInput) as expired:
        forms_rpc.confirm_subscription(rules.confirmation_token(submission_id, key=key,
                                                                now=time.time() - 8 * 86_400))
    assert expired.value.errors == {"token": ["confirmation_expired"]}
    with forms_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT confirmed_at FROM forms.confirmations WHERE submission_id = :id"),
                            {"id": submission_id}).scalar() is None
    assert outbox_event(forms_engine, "forms", "consent_confirmed", "submission_id", submission_id) == []


def test_submissions_acknowledged_while_contacts_is_down_each_become_one_contact(
        org, forms_rpc, forms_processes, forms_engine):
    emails = [f"attente{i}.{uuid.uuid4().hex[:6]}@example.test" for i in range(3)] * 2  # each address twice
    down = forms_processes.running["contacts"]
    down.kill()  # a crash, not a polite stop (which waits ~5 s for nameko to wind down)
    down.wait()
    submitted = [submit(forms_rpc, org["plain"], {"email": email, "first_name": f"N{i}"})
                 for i, email in enumerate(emails)]
    for submission_id in submitted:  # F-5: acknowledged and stored, nothing applied yet
        assert forms_rpc.get_submission(org["forms"], org["plain"]["id"], submission_id)["contact_id"] is None
    forms_processes.start("contacts")
    forms_processes.wait_answering("contacts")
    contact_ids = [applied(forms_rpc, org, org["plain"], s)["contact_id"] for s in submitted]
    for email, contact_id in zip(emails, contact_ids, strict=False):
        assert contacts_with(forms_engine, org["forms"]["org_id"], email) == [contact_id]
    assert len(set(contact_ids)) == 3


def test_what_another_organization_or_a_quarantined_submission_names_changes_nothing(
        org, forms_rpc, forms_proxy, forms_env, forms_engine):
    dispatch = event_dispatcher(rpc_config(forms_env))
    # contacts: another organization's list is no list of this one; a value the definitions refuse is left out,
    # and what a form may not write (the reps, the subscription) is ignored
    foreign_list = forms_proxy.contacts.create_list(_org()["contacts"], {"name": "Autre"})["id"]
    email = f"forged.{uuid.uuid4().hex[:8]}@example.test"
    accepted = make_envelope({
        "org_id": org["forms"]["org_id"], "submission_id": str(uuid.uuid4()), "form_id": org["plain"]["id"],
        "version": 1, "list_id": foreign_list, "email": email,
        "values": {"last_name": "Autre", "rep1_id": org["forms"]["user_id"], "subscribed": False,
                   "language": "klingon"},
        "custom": {"secteur": 12, "inconnu": "x"}, "language": "en", "at": "2026-12-07T05:00:00+00:00"})
    dispatch("forms", "submission_accepted", accepted)
    handled(forms_engine, "contacts", [accepted["event_id"]], handler="contacts.on_form_submission_accepted")
    (contact_id,) = contacts_with(forms_engine, org["forms"]["org_id"], email)
    with forms_engine.connect() as conn:
        row = conn.execute(sa.text("SELECT last_name, rep1_id, subscribed, language, custom FROM contacts.contacts "
                                   "WHERE id = :id"), {"id": contact_id}).mappings().one()
        lists = conn.execute(sa.text("SELECT list_id FROM contacts.list_members WHERE contact_id = :id"),
                             {"id": contact_id}).scalars().all()
    assert dict(row) == {"last_name": "Autre", "rep1_id": None, "subscribed": True, "language": "en", "custom": {}}
    assert lists == []
    (answer,) = outbox_event(forms_engine, "contacts", "form_submission_applied", "submission_id",
                             accepted["data"]["submission_id"])
    assert answer["data"]["list_missing"] is True and answer["data"]["created"] is True
    assert sorted(answer["data"]["rejected"]) == ["custom.inconnu", "custom.secteur", "language"]

    # forms: a quarantined submission is never applied, whatever an event says
    held = submit(forms_rpc, org["plain"], {"email": email, "_hp": "http://spam.example"}, outcome="quarantined")
    forged = make_envelope({"org_id": org["forms"]["org_id"], "submission_id": held, "form_id": org["plain"]["id"],
                            "contact_id": contact_id, "created": False, "list_missing": False, "rejected": []})
    dispatch("contacts", "form_submission_applied", forged)
    handled(forms_engine, "forms", [forged["event_id"]], handler="forms.on_form_submission_applied")
    assert forms_rpc.get_submission(org["forms"], org["plain"]["id"], held)["contact_id"] is None
    assert outbox_event(forms_engine, "forms", "submission_applied", "submission_id", held) == []
