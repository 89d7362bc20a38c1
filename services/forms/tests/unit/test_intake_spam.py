"""The anti-spam rules (F-4), each reason by itself and by channel: the embed script's post gets every rule, a plain
HTML post no ``token_missing`` (a hand-written form cannot carry a token) but every other rule, a signed webhook
only the content's rules."""
import pytest

from carnet_forms.intake import spam


def codes(**kwargs):
    kwargs.setdefault("channel", "embed")
    return [reason["code"] for reason in spam.assess(**kwargs)]


def test_a_clean_submission_has_no_reason():
    assert spam.assess(channel="embed", honeypot="", posted={"first_name": "Éloïse"},
                       clean={"first_name": "Éloïse", "city": "Montréal"}) == []


@pytest.mark.parametrize("value,filled", [(None, False), ("", False), ("  ", False), (False, False),
                                          ("x", True), (0, True), ("http://spam", True)])
def test_the_honeypot_counts_when_anything_is_in_it(value, filled):
    assert (codes(honeypot=value) == ["honeypot"]) is filled


@pytest.mark.parametrize("channel", ["embed", "html", "webhook"])
def test_the_honeypot_applies_to_every_channel(channel):
    assert codes(channel=channel, honeypot="bot") == ["honeypot"]


@pytest.mark.parametrize("reason", ["token_invalid", "token_reused", "token_expired", "too_fast"])
@pytest.mark.parametrize("channel", ["embed", "html"])
def test_a_bad_token_quarantines_the_embed_and_the_html_post(reason, channel):
    assert codes(channel=channel, token_reason=reason) == [reason]


def test_a_missing_token_quarantines_the_embed_post_only():
    assert codes(channel="embed", token_reason="token_missing") == ["token_missing"]
    assert codes(channel="html", token_reason="token_missing") == []


def test_a_webhook_has_no_token_origin_or_captcha():
    assert codes(channel="webhook", token_reason="token_missing", origin_allowed=False,
                 captcha_reason="captcha_missing") == []


def test_too_fast_says_how_fast():
    [reason] = spam.assess(channel="embed", token_reason="too_fast", token_age=1.234)
    assert reason == {"code": "too_fast", "detail": "1.2s"}


@pytest.mark.parametrize("channel", ["embed", "html"])
def test_an_origin_the_form_does_not_allow(channel):
    assert codes(channel=channel, origin_allowed=False) == ["origin_not_allowed"]
    assert codes(channel=channel, origin_allowed=True) == []
    assert codes(channel=channel, origin_allowed=None) == []


@pytest.mark.parametrize("reason", ["captcha_missing", "captcha_failed", "captcha_unavailable"])
@pytest.mark.parametrize("channel", ["embed", "html"])
def test_captcha_reasons(reason, channel):
    assert codes(channel=channel, captcha_reason=reason) == [reason]


def test_unknown_reasons_are_a_bug():
    with pytest.raises(ValueError):
        spam.assess(channel="embed", token_reason="token_weird")
    with pytest.raises(ValueError):
        spam.assess(channel="embed", captcha_reason="captcha_weird")


@pytest.mark.parametrize("channel", ["embed", "html", "webhook"])
def test_more_than_two_links_across_the_text_fields(channel):
    two = {"notes": "see https://a.example and www.b.example", "city": "Laval"}
    assert codes(channel=channel, posted=two) == []
    three = {**two, "title": "http://c.example"}
    [reason] = spam.assess(channel=channel, posted=three)
    assert reason == {"code": "too_many_links", "detail": "3"}
    assert codes(channel=channel, posted={"multi": ["https://a.x", "https://b.x", "https://c.x"]}) == \
        ["too_many_links"]


@pytest.mark.parametrize("channel", ["embed", "html", "webhook"])
def test_letters_mostly_outside_the_latin_script(channel):
    assert codes(channel=channel, clean={"first_name": "Дмитрий Иванов"}) == ["charset_mismatch"]
    assert codes(channel=channel, clean={"first_name": "李小龍", "last_name": "李小龍李"}) == ["charset_mismatch"]
    # French and English letters, accents included, and short foreign names among Latin text are fine.
    assert codes(channel=channel, clean={"first_name": "Françoise", "last_name": "Lévesque-Côté"}) == []
    assert codes(channel=channel, clean={"first_name": "Zoë", "notes": "Je m'appelle 李 et j'habite à Québec"}) == []
    assert codes(channel=channel, clean={"first_name": "李"}) == []      # too few letters to say
    assert codes(channel=channel, clean={"age": 42, "phone": "514 555-1234"}) == []


@pytest.mark.parametrize("channel", ["embed", "html", "webhook"])
def test_unknown_fields_are_named(channel):
    [reason] = spam.assess(channel=channel, unknown=["zz", "aa"])
    assert reason == {"code": "unknown_fields", "detail": "aa, zz"}


def test_a_detail_holds_only_what_postgresql_can_store():
    [reason] = spam.assess(channel="embed", unknown=["a\x00b", "c\ud800"])
    assert reason["detail"] == "ab, c"


def test_many_or_long_unknown_names_are_cut_in_the_detail():
    [reason] = spam.assess(channel="embed", unknown=[f"n{i:02d}" for i in range(25)] + ["z" * 500])
    assert reason["detail"] == ", ".join(f"n{i:02d}" for i in range(20)) + " (+6)"
    [reason] = spam.assess(channel="embed", unknown=["z" * 500])
    assert reason["detail"] == "z" * spam.NAME_SHOWN


def test_every_reason_at_once_in_a_stable_order():
    found = codes(honeypot="x", token_reason="too_fast", token_age=0.5, origin_allowed=False,
                  captcha_reason="captcha_failed", posted={"a": "http://1 http://2 http://3"},
                  clean={"a": "Привет мир всем"}, unknown=["x"])
    assert found == ["honeypot", "too_fast", "origin_not_allowed", "captcha_failed", "too_many_links",
                     "charset_mismatch", "unknown_fields"]
    assert set(found) <= set(spam.CODES)
