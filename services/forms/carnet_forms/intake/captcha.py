"""The optional captcha of a form (F-4): the provider a form names (``turnstile`` or ``hcaptcha``) is asked whether
the visitor's token is good, through its ``siteverify`` endpoint (both answer JSON ``{"success": bool, ...}`` to a
form post of ``secret``, ``response`` and ``remoteip``).

Settings (environment): ``FORMS_CAPTCHA_SECRET`` (the installation's account with the provider),
``FORMS_CAPTCHA_SITE_KEY`` (what the page shows the widget with), ``FORMS_CAPTCHA_VERIFY_URL`` (the provider's
endpoint by default; the tests' stand-in verifier on loopback). A verifier that does not answer within
``TIMEOUT_S``, or answers anything but that JSON, raises ``Unavailable``: the submission is then quarantined
(``captcha_unavailable``), never lost.
"""
import logging
import os

import requests
from nameko.extensions import DependencyProvider

log = logging.getLogger(__name__)

PROVIDERS = ("turnstile", "hcaptcha")
VERIFY_URLS = {"turnstile": "https://challenges.cloudflare.com/turnstile/v0/siteverify",
               "hcaptcha": "https://api.hcaptcha.com/siteverify"}
TIMEOUT_S = 5


class Unavailable(Exception):
    """The verifier could not say (timeout, connection refused, an answer that is not its JSON)."""


class Verifier:
    def __init__(self, *, secret, site_key, verify_url=None, session=None, timeout=TIMEOUT_S):
        self.secret, self.site_key, self.verify_url, self.timeout = secret, site_key, verify_url, timeout
        self.http = session or requests.Session()

    @classmethod
    def from_env(cls, env=None):
        env = os.environ if env is None else env
        return cls(secret=env.get("FORMS_CAPTCHA_SECRET") or "", site_key=env.get("FORMS_CAPTCHA_SITE_KEY") or None,
                   verify_url=env.get("FORMS_CAPTCHA_VERIFY_URL") or None)

    def url_of(self, provider):
        return self.verify_url or VERIFY_URLS[provider]

    def verify(self, provider, token, ip):
        """Whether ``provider`` accepts the visitor's ``token`` (``Unavailable`` when it cannot say)."""
        if provider not in PROVIDERS:
            raise ValueError(provider)
        data = {"secret": self.secret, "response": token}
        if ip:
            data["remoteip"] = ip
        try:
            response = self.http.post(self.url_of(provider), data=data, timeout=self.timeout)
            response.raise_for_status()
            answer = response.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("captcha verifier of %s unavailable: %s", provider, exc)
            raise Unavailable(str(exc)) from None
        if not isinstance(answer, dict) or not isinstance(answer.get("success"), bool):
            raise Unavailable("unexpected answer")
        return answer["success"]


class Captcha(DependencyProvider):
    """The verifier, built once when the service starts (its HTTP connections kept between calls)."""

    def setup(self):
        self.verifier = Verifier.from_env()

    def stop(self):
        self.verifier.http.close()

    def get_dependency(self, worker_ctx):
        return self.verifier
