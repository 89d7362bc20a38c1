"""The intake area over RPC, as the gateway calls it (F-2, F-4, F-5): render → submit accepted (the row and its outbox
event, stored before the answer) or invalid (per-field codes, nothing stored) or quarantined with its reasons
(honeypot, too fast, reused/missing token, origin, unknown fields, captcha), the quarantine (list, release → the
same event, discard), statistics, the signed webhook, and the organization boundary of every admin RPC.

Forms are made and published through the builder's RPCs; the target list is a contacts list of the test's own
organization. The captcha's ``siteverify`` is the conftest's stand-in HTTP server on loopback, whose address the forms
process reads when it starts (FORMS_CAPTCHA_VERIFY_URL)."""
import hashlib
import hmac
import json
import time
import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from conftest import CAPTCHA_SITE_KEY

from carnet_common.errors import Conflict, InvalidInput, NotFound, Unauthorized
from carnet_testing import eventually

TIMEZONE = "America/Toronto"


def forms_actor(org_id, user_id="u-admin"):
    return {"org_id": org_id, "user_id": user_id, "is_admin": True, "request_id": None, "timezone": TIMEZONE,
            "language": "fr"}


def contacts_actor(org_id, user_id="u-admin"):
    return {"org_id": org_id, "user_id": user_id, "is_admin": True, "request_id": None,
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False},
            "subordinate_ids": [], "timezone": TIMEZONE}


def draft(list_id, **changes):
    value = {
        "language": "both",
        "title": {"fr": "Infolettre", "en": "Newsletter"},
        "intro": {"fr": "", "en": ""},
        "submit_label": {"fr": "Envoyer", "en": "Send"},
        "fields": [{"name": "email", "required": True, "label": {"fr": "Courriel", "en": "Email"}},
                   {"name": "first_name", "label": {"fr": "Prénom", "en": "First name"}},
                   {"name": "city", "label": {"fr": "Ville", "en": "City"}}],
        "list_id": list_id,
        "thank_you": {"url": None, "message": {"fr": "Merci!", "en": "Thank you!"}},
        "consent": {"enabled": True, "text": {"fr": "J'accepte", "en": "I agree"}},
        "min_fill_seconds": 0,
    }
    value.update(changes)
    return value


class Org:
    """An organization of the test's own: its actor, a contacts list, forms published on it."""

    def __init__(self, forms_rpc, contacts_rpc):
        self.id = f"org-{uuid.uuid4().hex[:12]}"
        self.actor = forms_actor(self.id)
        self.rpc = forms_rpc
        self.list_id = contacts_rpc.create_list(contacts_actor(self.id), {"name": "Web"})["id"]

    def form(self, **changes):
        made = self.rpc.create_form(self.actor, {"name": f"Form {uuid.uuid4().hex[:6]}",
                                                 "draft": draft(self.list_id, **changes)})
        return self.rpc.publish_form(self.actor, made["id"])


@pytest.fixture(scope="module")
def org(forms_rpc, forms_contacts_rpc):
    return Org(forms_rpc, forms_contacts_rpc)


@pytest.fixture(scope="module")
def other_org(forms_rpc, forms_contacts_rpc):
    return Org(forms_rpc, forms_contacts_rpc)


@pytest.fixture(scope="module")
def form(org):
    return org.form()


def meta(channel="embed", **changes):
    value = {"channel": channel, "render_token": None, "origin": "https://www.example.com", "referer": None,
             "page_url": "https://www.example.com/contact", "ip": "203.0.113.7", "user_agent": "Mozilla/5.0 test",
             "language": None, "origin_allowed": True, "captcha_token": None}
    value.update(changes)
    return value


def render_then_submit(forms_rpc, form, values, *, language="fr", **meta_changes):
    token = forms_rpc.render_form(form["key"], language)["render_token"]
    return forms_rpc.submit_form(form["key"], values, meta(render_token=token, language=language, **meta_changes))


def row_of(engine, submission_id):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT * FROM forms.submissions WHERE id = :id"),
                            {"id": submission_id}).mappings().first()


def events_of(engine, submission_id):
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(sa.text(
            "SELECT envelope FROM forms.outbox WHERE event_type = 'submission_accepted' "
            "AND envelope->'data'->>'submission_id' = :id ORDER BY created_at"), {"id": submission_id})]


def count_rows(engine, form_id):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM forms.submissions WHERE form_id = :id"),
                            {"id": form_id}).scalar()


def reasons(result, engine):
    return [reason["code"] for reason in row_of(engine, result["submission_id"])["reasons"]]


# Render -------------------------------------------------------------------------------------------------------------

def test_render_shows_the_current_version_in_the_visitors_language_with_a_token(forms_rpc, org, form):
    before = forms_rpc.form_stats(org.actor, form["id"], {})["views"]
    shown = forms_rpc.render_form(form["key"], "en")
    assert shown["form"]["key"] == form["key"] and shown["form"]["language"] == "en"
    assert shown["form"]["title"] == "Newsletter"
    assert [f["label"] for f in shown["form"]["fields"]] == ["Email", "First name", "City"]
    assert shown["form"]["consent"] == {"enabled": True, "text": "I agree"}
    assert shown["form"]["captcha"] == {"provider": "none", "site_key": None}
    assert shown["form"]["thank_you"] == {"url": None, "message": "Thank you!"}
    assert shown["allowed_origins"] == [] and shown["render_token"]
    assert forms_rpc.render_form(form["key"], "fr-CA")["form"]["title"] == "Infolettre"
    assert forms_rpc.render_form(form["key"], None)["form"]["language"] == "fr"
    assert forms_rpc.form_stats(org.actor, form["id"], {})["views"] == before + 3


@pytest.mark.parametrize("key", ["nope", "", "x" * 500, None, 12])
def test_an_unknown_key_is_not_found(forms_rpc, key):
    with pytest.raises(NotFound):
        forms_rpc.render_form(key, "fr")
    with pytest.raises(NotFound):
        forms_rpc.submit_form(key, {"email": "a@example.com"}, meta())


def test_an_unpublished_form_is_not_found_until_published_again(forms_rpc, org):
    form = org.form()
    token = forms_rpc.render_form(form["key"], "fr")["render_token"]
    forms_rpc.unpublish_form(org.actor, form["id"])
    with pytest.raises(NotFound):
        forms_rpc.render_form(form["key"], "fr")
    with pytest.raises(NotFound):
        forms_rpc.submit_form(form["key"], {"email": "late@example.com"}, meta(render_token=token))
    forms_rpc.publish_form(org.actor, form["id"])
    assert forms_rpc.submit_form(form["key"], {"email": "late@example.com"},
                                 meta(render_token=token))["outcome"] == "accepted"


# Submit -------------------------------------------------------------------------------------------------------------

def test_an_accepted_submission_is_stored_with_its_event_before_the_answer(forms_rpc, forms_engine, org, form):
    result = render_then_submit(forms_rpc, form, {"email": "Alice@Example.com", "first_name": " Alice ",
                                                  "city": "", "_consent": "on", "_hp": ""}, language="en")
    assert result["outcome"] == "accepted" and result["errors"] == {}
    assert result["language"] == "en" and result["thank_you"] == {"url": None, "message": "Thank you!"}
    row = row_of(forms_engine, result["submission_id"])          # committed before the answer (F-5)
    assert row["status"] == "accepted" and row["reasons"] == [] and row["channel"] == "embed"
    assert row["data"] == {"email": "Alice@Example.com", "first_name": "Alice"}
    assert row["meta"]["page_url"] == "https://www.example.com/contact" and row["meta"]["ip"] == "203.0.113.7"
    assert row["consent"] == {"checked": True, "text": "I agree", "language": "en"}
    [envelope] = events_of(forms_engine, result["submission_id"])
    assert envelope["data"] == {
        "org_id": org.id, "submission_id": result["submission_id"], "form_id": form["id"], "version": 1,
        "list_id": org.list_id, "rep_user_id": None, "email": "Alice@Example.com",
        "values": {"email": "Alice@Example.com", "first_name": "Alice"},
        "custom": {}, "language": "en", "at": row["received_at"].isoformat()}


def test_an_invalid_submission_answers_per_field_codes_and_stores_nothing(forms_rpc, forms_engine, form):
    before = count_rows(forms_engine, form["id"])
    token = forms_rpc.render_form(form["key"], "fr")["render_token"]
    result = forms_rpc.submit_form(form["key"], {"email": "not-an-address", "first_name": "x" * 101},
                                   meta(render_token=token))
    assert result["outcome"] == "invalid" and result["submission_id"] is None
    assert result["errors"] == {"email": "invalid_email", "first_name": "too_long"}
    assert result["language"] == "fr"
    missing = forms_rpc.submit_form(form["key"], {"first_name": "Bob"}, meta(render_token=token))
    assert missing["errors"] == {"email": "required"}
    assert count_rows(forms_engine, form["id"]) == before
    # The visitor fixes the values and posts again with the same token: it was not used up.
    fixed = forms_rpc.submit_form(form["key"], {"email": "bob@example.com"}, meta(render_token=token))
    assert fixed["outcome"] == "accepted"


def test_bad_input_is_invalid_input(forms_rpc, form):
    with pytest.raises(InvalidInput):
        forms_rpc.submit_form(form["key"], ["not", "a", "dict"], meta())
    with pytest.raises(InvalidInput):
        forms_rpc.submit_form(form["key"], {"email": "a@example.com"}, {"channel": "fax"})
    with pytest.raises(InvalidInput):
        forms_rpc.submit_form(form["key"], {f"f{i}": "x" for i in range(500)}, meta())


@pytest.mark.parametrize("case,values,changes,expected", [
    ("honeypot", {"_hp": "http://spam.example"}, {}, ["honeypot"]),
    ("origin", {}, {"origin_allowed": False}, ["origin_not_allowed"]),
    ("unknown", {"zz_extra": "x", "aa_other": "y"}, {}, ["unknown_fields"]),
    ("links", {"city": "http://a.example http://b.example www.c.example"}, {}, ["too_many_links"]),
    ("charset", {"first_name": "Дмитрий", "city": "Новосибирск"}, {}, ["charset_mismatch"]),
])
def test_bot_signals_quarantine_silently(forms_rpc, forms_engine, form, case, values, changes, expected):
    result = render_then_submit(forms_rpc, form, {"email": f"{case}@example.com", **values}, **changes)
    assert result["outcome"] == "quarantined" and result["errors"] == {}
    assert result["thank_you"]["message"] == "Merci!"     # the gateway shows the thank-you as for anyone
    assert reasons(result, forms_engine) == expected
    assert events_of(forms_engine, result["submission_id"]) == []
    row = row_of(forms_engine, result["submission_id"])
    assert "zz_extra" not in row["data"] and "_hp" not in row["data"]
    if case == "unknown":
        assert row["reasons"][0]["detail"] == "aa_other, zz_extra"


def test_what_postgresql_cannot_store_is_dropped_not_a_failure(forms_rpc, forms_engine, form):
    result = render_then_submit(forms_rpc, form, {"email": "nul@example.com", "bad\x00name": "x",
                                                  "_page_url": "https://www.example.com/\x00p"}, page_url=None,
                                user_agent="agent\x00" + "x" * 5000)
    row = row_of(forms_engine, result["submission_id"])
    assert row["reasons"] == [{"code": "unknown_fields", "detail": "badname"}]
    assert row["meta"]["page_url"] == "https://www.example.com/p" and row["meta"]["user_agent"] == "agent" + "x" * 995
    invalid = render_then_submit(forms_rpc, form, {"email": "nul@example.com", "first_name": "a\x00b"})
    assert invalid["errors"] == {"first_name": "invalid_text"}


def test_tokens_too_fast_reused_missing_and_forged_are_quarantined(forms_rpc, forms_engine, org, form):
    slow = org.form(min_fill_seconds=600)
    fast = render_then_submit(forms_rpc, slow, {"email": "fast@example.com"})
    assert reasons(fast, forms_engine) == ["too_fast"]
    token = forms_rpc.render_form(form["key"], "fr")["render_token"]
    first = forms_rpc.submit_form(form["key"], {"email": "once@example.com"}, meta(render_token=token))
    again = forms_rpc.submit_form(form["key"], {"email": "twice@example.com"}, meta(render_token=token))
    assert first["outcome"] == "accepted" and reasons(again, forms_engine) == ["token_reused"]
    missing = forms_rpc.submit_form(form["key"], {"email": "none@example.com"}, meta())
    assert reasons(missing, forms_engine) == ["token_missing"]
    other_form = forms_rpc.render_form(slow["key"], "fr")["render_token"]
    forged = forms_rpc.submit_form(form["key"], {"email": "forged@example.com"}, meta(render_token=other_form))
    assert reasons(forged, forms_engine) == ["token_invalid"]
    in_values = forms_rpc.submit_form(form["key"], {"email": "v@example.com",
                                                    "_token": forms_rpc.render_form(form["key"], "fr")["render_token"]},
                                      meta())
    assert in_values["outcome"] == "accepted"


def test_a_plain_html_post_needs_no_token_but_gets_every_other_rule(forms_rpc, forms_engine, form):
    plain = forms_rpc.submit_form(form["key"], {"email": "html@example.com", "first_name": "Hélène"},
                                  meta("html", origin_allowed=None))
    assert plain["outcome"] == "accepted"
    assert row_of(forms_engine, plain["submission_id"])["channel"] == "html"
    bot = forms_rpc.submit_form(form["key"], {"email": "htmlbot@example.com", "_hp": "x"},
                                meta("html", origin_allowed=False))
    assert reasons(bot, forms_engine) == ["honeypot", "origin_not_allowed"]


# The quarantine -------------------------------------------------------------------------------------------------------

def test_release_accepts_with_the_event_and_discard_keeps_the_data(forms_rpc, forms_engine, org, form):
    held = render_then_submit(forms_rpc, form, {"email": "held@example.com", "_hp": "x"})
    released = forms_rpc.release_submission(org.actor, form["id"], held["submission_id"])
    assert released["status"] == "accepted" and released["reasons"] == [{"code": "honeypot", "detail": None}]
    row = row_of(forms_engine, held["submission_id"])
    assert row["released_by"] == "u-admin" and row["released_at"] is not None
    [envelope] = events_of(forms_engine, held["submission_id"])
    assert envelope["data"]["list_id"] == org.list_id and envelope["data"]["email"] == "held@example.com"
    with pytest.raises(Conflict) as raised:
        forms_rpc.release_submission(org.actor, form["id"], held["submission_id"])
    assert raised.value.code == "submission_not_quarantined"
    with pytest.raises(Conflict):
        forms_rpc.discard_submission(org.actor, form["id"], held["submission_id"])

    spam = render_then_submit(forms_rpc, form, {"email": "spam@example.com", "_hp": "x"})
    discarded = forms_rpc.discard_submission(org.actor, form["id"], spam["submission_id"])
    assert discarded["status"] == "discarded" and discarded["data"] == {"email": "spam@example.com"}
    assert events_of(forms_engine, spam["submission_id"]) == []
    with pytest.raises(Conflict):
        forms_rpc.release_submission(org.actor, form["id"], spam["submission_id"])
    assert forms_rpc.get_submission(org.actor, form["id"], spam["submission_id"])["status"] == "discarded"


def test_the_list_pages_newest_first_and_filters_by_status(forms_rpc, org):
    form = org.form()
    ids = [render_then_submit(forms_rpc, form, {"email": f"p{i}@example.com", "_hp": "x" if i == 1 else ""})
           ["submission_id"] for i in range(3)]
    first = forms_rpc.list_submissions(org.actor, form["id"], {"limit": 2})
    second = forms_rpc.list_submissions(org.actor, form["id"], {"limit": 2, "cursor": first["next_cursor"]})
    assert [item["id"] for item in first["items"] + second["items"]] == ids[::-1]
    assert second["next_cursor"] is None
    item = first["items"][0]
    assert set(item) == {"id", "received_at", "channel", "status", "reasons", "data", "meta", "contact_id",
                         "applied_at", "consent"}
    assert set(item["meta"]) == {"page_url", "origin", "ip", "user_agent", "language"}
    held = forms_rpc.list_submissions(org.actor, form["id"], {"status": "quarantined"})
    assert [item["id"] for item in held["items"]] == [ids[1]]
    with pytest.raises(InvalidInput) as raised:
        forms_rpc.list_submissions(org.actor, form["id"], {"cursor": "garbage"})
    assert raised.value.errors == {"cursor": ["invalid_cursor"]}
    with pytest.raises(InvalidInput):
        forms_rpc.list_submissions(org.actor, form["id"], {"status": "lost"})


def test_statistics_by_day_and_conversion(forms_rpc, org):
    form = org.form()
    for index in range(3):
        token = forms_rpc.render_form(form["key"], "fr")["render_token"]
        if index < 2:
            forms_rpc.submit_form(form["key"], {"email": f"s{index}@example.com", "_hp": "x" * index},
                                  meta(render_token=token))
    before = datetime.now(timezone.utc).astimezone(ZoneInfo(TIMEZONE)).date().isoformat()
    stats = forms_rpc.form_stats(org.actor, form["id"], {})
    after = datetime.now(timezone.utc).astimezone(ZoneInfo(TIMEZONE)).date().isoformat()
    assert {k: stats[k] for k in ("views", "submissions", "accepted", "quarantined", "discarded", "conversion")} == \
        {"views": 3, "submissions": 2, "accepted": 1, "quarantined": 1, "discarded": 0, "conversion": 0.6667}
    assert len(stats["by_day"]) == 30 and stats["by_day"][-1]["day"] in (before, after)
    assert sum(day["views"] for day in stats["by_day"]) == 3 and sum(d["submissions"] for d in stats["by_day"]) == 2
    empty = forms_rpc.form_stats(org.actor, form["id"], {"from": "2020-01-01", "to": "2020-01-02"})
    assert empty["views"] == 0 and empty["conversion"] == 0.0 and len(empty["by_day"]) == 2
    with pytest.raises(InvalidInput):
        forms_rpc.form_stats(org.actor, form["id"], {"from": "2020-02-01", "to": "2020-01-01"})
    counts = forms_rpc.list_forms(org.actor)
    [mine] = [summary for summary in counts if summary["id"] == form["id"]]
    assert mine["stats"] == {"views": 3, "submissions": 2, "quarantined": 1}


def test_days_are_the_organizations_own(forms_rpc, forms_engine, org):
    """N-6: a submission at 04:30 UTC on March 1st is February 28th's in Toronto; views of 03:15 and 03:45 UTC fall on
    two days in St. John's (UTC-3:30), one in Toronto and in UTC."""
    form = org.form()
    with forms_engine.begin() as conn:
        for at in ("2026-03-01T04:30:00+00:00", "2026-03-01T05:30:00+00:00"):
            conn.execute(sa.text(
                "INSERT INTO forms.submissions (id, org_id, form_id, version, received_at, channel, status, data, "
                "meta, language) VALUES (:id, :org, :form, 1, :at, 'embed', 'accepted', '{}', '{}', 'fr')"),
                {"id": str(uuid.uuid4()), "org": org.id, "form": form["id"], "at": at})
        for period in ("2026-03-01T03:15:00+00:00", "2026-03-01T03:45:00+00:00"):
            conn.execute(sa.text("INSERT INTO forms.form_views (form_id, period, views) VALUES (:form, :period, 2)"),
                         {"form": form["id"], "period": period})
    query = {"from": "2026-02-28", "to": "2026-03-01"}

    def days(zone):
        stats = forms_rpc.form_stats({**org.actor, "timezone": zone}, form["id"], query)
        return [(day["day"], day["views"], day["submissions"]) for day in stats["by_day"]]
    assert days("America/Toronto") == [("2026-02-28", 4, 1), ("2026-03-01", 0, 1)]
    assert days("UTC") == [("2026-02-28", 0, 0), ("2026-03-01", 4, 2)]
    assert days("America/St_Johns") == [("2026-02-28", 2, 0), ("2026-03-01", 2, 2)]


# The webhook (F-2) ----------------------------------------------------------------------------------------------------

def signed(secret, body, at=None):
    timestamp = str(int(at if at is not None else time.time()))
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest(), \
        timestamp


def test_the_webhook_takes_a_signed_body_once(forms_rpc, forms_engine, org, form):
    secret = forms_rpc.get_form(org.actor, form["id"])["webhook_secret"]
    body = json.dumps({"email": "zap@example.com", "first_name": "Zap"})
    signature, timestamp = signed(secret, body)
    hook_meta = {"ip": "198.51.100.1", "user_agent": "Zapier"}
    result = forms_rpc.submit_webhook(form["key"], body, signature, timestamp, hook_meta)
    assert result["outcome"] == "accepted"
    row = row_of(forms_engine, result["submission_id"])
    assert row["channel"] == "webhook" and row["data"] == {"email": "zap@example.com", "first_name": "Zap"}
    assert len(events_of(forms_engine, result["submission_id"])) == 1
    with pytest.raises(Unauthorized) as raised:                         # the same signature again: a replay
        forms_rpc.submit_webhook(form["key"], body, signature, timestamp, hook_meta)
    assert raised.value.code == "webhook_signature"
    bad, _ = signed("not-the-secret", body)
    old_signature, old = signed(secret, body, at=time.time() - 301)
    for args in ((body, bad, timestamp), (body.replace("Zap", "Zip"), signature, timestamp),
                 (body, old_signature, old), (body, signature, "yesterday")):
        with pytest.raises(Unauthorized):
            forms_rpc.submit_webhook(form["key"], *args, hook_meta)
    invalid_body = "[1, 2]"
    with pytest.raises(InvalidInput):
        forms_rpc.submit_webhook(form["key"], invalid_body, *signed(secret, invalid_body), hook_meta)
    invalid = json.dumps({"email": "nope"})
    assert forms_rpc.submit_webhook(form["key"], invalid, *signed(secret, invalid), hook_meta)["errors"] == \
        {"email": "invalid_email"}
    rotated = forms_rpc.rotate_webhook_secret(org.actor, form["id"])["webhook_secret"]
    fresh = json.dumps({"email": "zap2@example.com"})
    with pytest.raises(Unauthorized):
        forms_rpc.submit_webhook(form["key"], fresh, *signed(secret, fresh), hook_meta)
    assert forms_rpc.submit_webhook(form["key"], fresh, *signed(rotated, fresh), hook_meta)["outcome"] == "accepted"


# The organization boundary -------------------------------------------------------------------------------------------

def test_another_organizations_form_and_submissions_are_not_found(forms_rpc, org, other_org, form):
    held = render_then_submit(forms_rpc, form, {"email": "mine@example.com", "_hp": "x"})
    stranger = other_org.actor
    calls = [lambda: forms_rpc.list_submissions(stranger, form["id"], {}),
             lambda: forms_rpc.get_submission(stranger, form["id"], held["submission_id"]),
             lambda: forms_rpc.release_submission(stranger, form["id"], held["submission_id"]),
             lambda: forms_rpc.discard_submission(stranger, form["id"], held["submission_id"]),
             lambda: forms_rpc.form_stats(stranger, form["id"], {})]
    # Another organization's form id with one of its own forms' ids mixed in: the submission stays unreachable.
    theirs = other_org.form()
    calls += [lambda: forms_rpc.get_submission(stranger, theirs["id"], held["submission_id"]),
              lambda: forms_rpc.release_submission(stranger, theirs["id"], held["submission_id"]),
              lambda: forms_rpc.get_submission(org.actor, form["id"], "not-a-uuid"),
              lambda: forms_rpc.list_submissions(org.actor, "not-a-uuid", {}),
              lambda: forms_rpc.get_submission(org.actor, form["id"], str(uuid.uuid4()))]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert forms_rpc.get_submission(org.actor, form["id"], held["submission_id"])["status"] == "quarantined"
    with pytest.raises(InvalidInput):
        forms_rpc.list_submissions({"org_id": org.id}, form["id"], {})


# The captcha (F-4) ----------------------------------------------------------------------------------------------------

def test_a_captcha_form_asks_the_provider(forms_rpc, forms_engine, org):
    """The stand-in verifier of the conftest (``forms_site_verify``) answers for the tokens below."""
    form = org.form(captcha={"provider": "turnstile"})
    captcha = forms_rpc.render_form(form["key"], "fr")["form"]["captcha"]
    assert captcha == {"provider": "turnstile", "site_key": CAPTCHA_SITE_KEY}
    good = render_then_submit(forms_rpc, form, {"email": "human@example.com"}, captcha_token="good")
    assert good["outcome"] == "accepted"
    in_values = render_then_submit(forms_rpc, form, {"email": "human2@example.com", "_captcha": "good"})
    assert in_values["outcome"] == "accepted"
    for token, expected in (("bad", "captcha_failed"), (None, "captcha_missing"), ("down", "captcha_unavailable")):
        result = render_then_submit(forms_rpc, form, {"email": f"{expected}@example.com"}, captcha_token=token)
        assert result["outcome"] == "quarantined" and reasons(result, forms_engine) == [expected]
    hook = json.dumps({"email": "hook@example.com"})
    secret = forms_rpc.get_form(org.actor, form["id"])["webhook_secret"]
    assert forms_rpc.submit_webhook(form["key"], hook, *signed(secret, hook), {})["outcome"] == "accepted"


def test_an_accepted_submission_reaches_its_contact(forms_rpc, org, form):
    """The whole path once (the effects area's tests cover it): contacts applies the event, forms records it."""
    result = render_then_submit(forms_rpc, form, {"email": "reach@example.com", "first_name": "Reach"})
    applied = eventually(lambda: forms_rpc.get_submission(org.actor, form["id"], result["submission_id"]),
                         lambda item: item["contact_id"] is not None, what="the submission applied")
    assert applied["status"] == "accepted" and applied["applied_at"] is not None
