"""One recipient's message (compose.py, pure) and the sender's pure rules (settings backoff, SMTP outcome classes)."""
import base64
import re
from email import message_from_bytes, policy

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from carnet_campaigns.sending import compose, smtp
from carnet_campaigns.sending.settings import Settings
from carnet_contracts import campaign_links

BASE = "https://crm.example"


@pytest.fixture(scope="module")
def key():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = base64.b64encode(private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
    return pem, f"v=DKIM1; k=rsa; p={public}".encode()


def campaign(**changes):
    return {"subject": "Bonjour {{first_name}}", "from_name": "Boutique Été", "from_email": "news@acme.test",
            "reply_to": None, "text": "",
            "html": '<p>Hi {{first_name}}: <a href="https://acme.test/a?x=1&amp;y=2">offer</a>, '
                    '<a href=\'http://acme.test/b\'>b</a>, <a href="mailto:help@acme.test">mail</a>, '
                    '<a href="tel:+15145550000">call</a></p>', **changes}


def recipient(**changes):
    return {"id": "r1", "email": "ann@example.test", "message_id": "<r1@acme.test>", "language": "fr",
            "merge": {"first_name": "Ann"}, **changes}


def parse(raw):
    return message_from_bytes(raw, policy=policy.default)


def test_headers_parts_and_links():
    raw = compose.compose(campaign=campaign(reply_to="help@acme.test"), recipient=recipient(), base_url=BASE,
                          now=0)
    message = parse(raw)
    assert message["From"].addresses[0].display_name == "Boutique Été"
    assert message["To"] == "ann@example.test" and message["Reply-To"] == "help@acme.test"
    assert message["Subject"] == "Bonjour Ann" and message["Message-ID"] == "<r1@acme.test>"
    assert message["Date"].datetime.timestamp() == 0
    assert message["List-Unsubscribe"] == f"<{campaign_links.unsubscribe_url(BASE, 'r1')}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    html = message.get_body(("html",)).get_content()
    assert campaign_links.click_url(BASE, "r1", "https://acme.test/a?x=1&y=2").replace("&", "&amp;") in html or \
        campaign_links.click_url(BASE, "r1", "https://acme.test/a?x=1&y=2") in html
    assert campaign_links.click_url(BASE, "r1", "http://acme.test/b") in html
    assert 'href="mailto:help@acme.test"' in html and 'href="tel:+15145550000"' in html
    assert campaign_links.open_url(BASE, "r1") in html
    assert "désabonnez-vous" in html
    text = message.get_body(("plain",)).get_content()
    assert "Hi Ann" in text and campaign_links.unsubscribe_url(BASE, "r1") in text
    # the wire form: CRLF only, no line over SMTP's 998 octets
    assert b"\n" not in raw.replace(b"\r\n", b"") and max(len(line) for line in raw.split(b"\r\n")) <= 998


def test_the_unsubscribe_sentence_is_in_the_recipients_language():
    english = parse(compose.compose(campaign=campaign(), recipient=recipient(language="en"), base_url=BASE))
    assert "unsubscribe here" in english.get_body(("html",)).get_content()
    assert "désabonnez" not in english.get_body(("plain",)).get_content()


def test_a_text_only_campaign_gets_an_html_part_too():
    message = parse(compose.compose(campaign=campaign(html="", text="Line {{first_name}}\n\nTwo <b>"),
                                    recipient=recipient(), base_url=BASE))
    html = message.get_body(("html",)).get_content()
    assert "<p>Line Ann</p>" in html and "Two &lt;b&gt;" in html and campaign_links.open_url(BASE, "r1") in html


@pytest.mark.parametrize("changes", [
    {"email": "ann@example.test\r\nBcc: x@evil.test"}, {"email": "ann@example.test\n"}, {"email": "a\rb@x.test"},
    {"email": "not-an-address"}, {"email": "a@b"}, {"email": "ann <ann@example.test>"}, {"email": "é@example.test"},
    {"email": "a,b@example.test"}, {"message_id": "<x@y>\r\nBcc: x@evil.test"},
])
def test_header_injection_and_bad_addresses_are_refused(changes):
    with pytest.raises(compose.Refused) as refused:
        compose.compose(campaign=campaign(), recipient=recipient(**changes), base_url=BASE)
    assert refused.value.code == "invalid_address"


@pytest.mark.parametrize("changes", [{"from_name": "Acme\r\nBcc: x@evil.test"}, {"from_email": "a@b.test\nX: y"},
                                     {"reply_to": "h@acme.test\r\nBcc: x@evil.test"}])
def test_a_campaign_header_with_a_line_break_is_refused(changes):
    with pytest.raises(compose.Refused):
        compose.compose(campaign=campaign(**changes), recipient=recipient(), base_url=BASE)


def test_a_merge_value_cannot_break_the_subject_line():
    message = parse(compose.compose(campaign=campaign(), recipient=recipient(merge={"first_name": "A\r\nBcc: x@y"}),
                                    base_url=BASE))
    assert "\n" not in message["Subject"] and message["Bcc"] is None


def test_an_internationalised_domain_is_sent_in_punycode():
    message = parse(compose.compose(campaign=campaign(), recipient=recipient(email="ann@exämple.test"), base_url=BASE))
    assert message["To"] == "ann@xn--exmple-cua.test"


def test_dkim_signature_verifies_and_covers_the_rfc_8058_headers(key):
    pem, record = key
    raw = compose.compose(campaign=campaign(), recipient=recipient(), base_url=BASE, signing=("carnet1", pem))
    asked = []

    def dnsfunc(name, timeout=5):
        asked.append(name)
        return record
    signer = dkim.DKIM(raw)
    assert signer.verify(dnsfunc=dnsfunc)
    assert asked == [b"carnet1._domainkey.acme.test."]
    signed = set(signer.include_headers)
    assert {b"from", b"to", b"subject", b"date", b"message-id", b"list-unsubscribe",
            b"list-unsubscribe-post"} <= signed
    # a changed List-Unsubscribe breaks it
    tampered = re.sub(rb"List-Unsubscribe: <[^>]+>", b"List-Unsubscribe: <https://evil.test/u>", raw)
    assert not dkim.verify(tampered, dnsfunc=dnsfunc)


def test_encoded_words_decode_to_the_subject():
    subject = "Décembre — des offres très spéciales pour vous, {{first_name}} 🎉 " * 2
    message = parse(compose.compose(campaign=campaign(subject=subject), recipient=recipient(), base_url=BASE))
    assert message["Subject"] == subject.replace("{{first_name}}", "Ann").strip()


def test_backoff_is_exponential_and_capped():
    settings = Settings(retry_base_seconds=60, retry_max_seconds=600)
    assert [settings.backoff(n) for n in (1, 2, 3, 4, 5, 6)] == [60, 120, 240, 480, 600, 600]


def test_settings_refuse_an_unknown_tls_mode(monkeypatch):
    monkeypatch.setenv("CAMPAIGNS_SMTP_TLS", "ssl-maybe")
    with pytest.raises(ValueError):
        Settings.from_env()
    monkeypatch.setenv("CAMPAIGNS_SMTP_TLS", "starttls")
    monkeypatch.setenv("CAMPAIGNS_RATE_PER_ORG", "20")
    settings = Settings.from_env()
    assert settings.smtp_tls == "starttls" and settings.rate_per_org == 20 and settings.rate_burst == 20


@pytest.mark.parametrize("code, phase, kind", [(250, "data", "sent"), (451, "rcpt", "temporary"),
                                               (421, "mail", "temporary"), (550, "rcpt", "permanent"),
                                               (554, "data", "permanent"), (399, "data", "temporary")])
def test_smtp_answers_are_classified(code, phase, kind):
    assert smtp.classify(code, phase, b"text").kind == kind
