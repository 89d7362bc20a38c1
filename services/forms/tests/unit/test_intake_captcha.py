"""The captcha verifier (F-4) against a stand-in ``siteverify`` on loopback: the provider's yes and no, and every way
it cannot say (an error, an answer that is not its JSON, no answer in time, nobody listening) is ``Unavailable``, so
the submission is quarantined rather than lost."""
import socket

import pytest

from carnet_forms.intake import captcha
from carnet_testing.captcha import site_verify

ANSWERS = {"good": (200, {"success": True}), "bad": (200, {"success": False, "error-codes": ["x"]}),
           "boom": (500, {"success": True}), "html": (200, "<html>"), "odd": (200, {"ok": 1})}


@pytest.fixture(scope="module")
def stand_in():
    with site_verify(ANSWERS) as running:
        yield running


@pytest.fixture
def verify_url(stand_in):
    stand_in.seen.clear()
    return stand_in.url


def verifier(url, timeout=5):
    return captcha.Verifier(secret="s3cret", site_key="site", verify_url=url, timeout=timeout)


@pytest.mark.parametrize("provider", ["turnstile", "hcaptcha"])
def test_the_providers_answer_is_the_verdict(verify_url, stand_in, provider):
    assert verifier(verify_url).verify(provider, "good", "203.0.113.9") is True
    assert verifier(verify_url).verify(provider, "bad", None) is False
    assert stand_in.seen == [{"secret": "s3cret", "response": "good", "remoteip": "203.0.113.9"},
                            {"secret": "s3cret", "response": "bad"}]


@pytest.mark.parametrize("token", ["boom", "html", "odd"])
def test_an_answer_that_is_not_the_verdict_is_unavailable(verify_url, token):
    with pytest.raises(captcha.Unavailable):
        verifier(verify_url).verify("turnstile", token, None)


def test_a_verifier_that_does_not_answer_in_time_is_unavailable():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        with pytest.raises(captcha.Unavailable):
            verifier(f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=0.2).verify("hcaptcha", "good", None)


def test_nobody_listening_is_unavailable():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(captcha.Unavailable):
        verifier(f"http://127.0.0.1:{port}/").verify("turnstile", "good", None)


def test_settings_from_the_environment():
    found = captcha.Verifier.from_env({"FORMS_CAPTCHA_SECRET": "k", "FORMS_CAPTCHA_SITE_KEY": "pub"})
    assert (found.secret, found.site_key) == ("k", "pub")
    assert found.url_of("turnstile") == captcha.VERIFY_URLS["turnstile"]
    assert found.url_of("hcaptcha") == captcha.VERIFY_URLS["hcaptcha"]
    local = captcha.Verifier.from_env({"FORMS_CAPTCHA_VERIFY_URL": "http://127.0.0.1:9/x"})
    assert local.url_of("hcaptcha") == "http://127.0.0.1:9/x" and local.site_key is None
    with pytest.raises(ValueError):
        local.verify("recaptcha", "t", None)
