"""The signed webhook of a form (F-2: Zapier, a site's back end) and the rate limits of the public side (F-4),
through the real gateway: a good signature is a submission, a wrong, stale or replayed one a 401 problem; the 21st
post of a minute from one address is a 429 with Retry-After while another address still passes (the suite's stack
trusts no proxy, so the other address is a real one: the client binds 127.0.0.2)."""
import hashlib
import hmac
import json
import time

import pytest
import requests
from conftest import assert_problem, ok, sign_up, unique
from support.forms import published_form


class FromAddress(requests.adapters.HTTPAdapter):
    """Connections from ``address`` (any of 127.0.0.0/8 reaches the gateway on loopback)."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@pytest.fixture(scope="module")
def site(base_url):
    admin, _ = sign_up(base_url)
    target = ok(admin.post("/lists", json={"name": "Webhooks", "access_all_users": True}), 201)
    return {"admin": admin, "list_id": target["id"], "base_url": base_url}


def signed(secret, body, timestamp=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Carnet-Timestamp": timestamp,
            "X-Carnet-Signature": f"sha256={digest}"}


def test_a_signed_webhook_is_a_submission_and_a_wrong_stale_or_replayed_one_is_refused(site, base_url):
    form = published_form(site["admin"], site["list_id"], name=unique("hook"))
    secret = ok(site["admin"].get(f"/forms/{form['id']}"))["webhook_secret"]
    url = f"{base_url}/f/{form['key']}/webhook"
    body = json.dumps({"email": f"{unique('zap')}@example.com", "first_name": "Zoé"})
    headers = signed(secret, body)
    answer = ok(requests.post(url, data=body, headers=headers, timeout=10), 201)
    assert answer["outcome"] == "accepted" and answer["submission_id"]
    replayed = requests.post(url, data=body, headers=headers, timeout=10)
    assert_problem(replayed, 401, code="webhook_signature")
    other = json.dumps({"email": f"{unique('zap')}@example.com"})
    assert_problem(requests.post(url, data=other, headers=signed("0" * 64, other), timeout=10), 401,
                   code="webhook_signature")
    stale = signed(secret, other, timestamp=int(time.time()) - 600)
    assert_problem(requests.post(url, data=other, headers=stale, timeout=10), 401, code="webhook_signature")
    unsigned = requests.post(url, data=other, headers={"Content-Type": "application/json",
                                                       "Accept-Language": "fr"}, timeout=10)
    assert "signature" in assert_problem(unsigned, 401, code="webhook_signature")["detail"]
    invalid = json.dumps({"email": "pas-un-courriel"})
    refused = requests.post(url, data=invalid, headers={**signed(secret, invalid), "Accept-Language": "fr"},
                            timeout=10)
    assert assert_problem(refused, 422, fields=["email"])["errors"]["email"] == ["Entrez une adresse courriel valide."]
    items = ok(site["admin"].get(f"/forms/{form['id']}/submissions"))["items"]
    assert [(item["channel"], item["status"]) for item in items] == [("webhook", "accepted")]


def test_one_address_is_limited_per_minute_and_form_without_slowing_another(site, base_url, stack):
    per_minute = int(stack.env.get("FORMS_MAX_PER_IP_MINUTE") or 20)
    form = published_form(site["admin"], site["list_id"], name=unique("busy"), language="en")
    url = f"{base_url}/f/{form['key']}"
    here = requests.Session()
    for _ in range(per_minute):  # invalid posts count too: guessing is an attempt
        assert here.post(url, json={"first_name": "x"}, timeout=10).status_code == 422
    refused = here.post(url, json={"email": f"{unique('late')}@example.com"}, headers={"Accept-Language": "fr"},
                        timeout=10)
    body = assert_problem(refused, 429, code="form_rate_limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60 and "Trop d'envois" in body["detail"]
    page = here.post(url, data={"email": f"{unique('late')}@example.com"}, timeout=10,
                     headers={"Accept-Language": "en"})
    assert page.status_code == 429 and page.headers["Retry-After"] and "Too many submissions" in page.text
    elsewhere = requests.Session()
    elsewhere.mount("http://", FromAddress("127.0.0.2"))
    assert elsewhere.post(url, json={"email": f"{unique('other')}@example.com"}, timeout=10).status_code == 201
    assert ok(site["admin"].get(f"/forms/{form['id']}/submissions"))["items"][0]["meta"]["ip"] == "127.0.0.2"
