"""Bots and prefetchers (E-9, bots.py), the hits' encoding (carnet_contracts.engagement) and the masked address of the
unsubscribe page: pure functions."""
import json

import pytest

from carnet_campaigns.engagement import bots
from carnet_campaigns.engagement.usecases import mask_email
from carnet_contracts import engagement

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
SENT = 1_000_000.0


def classify(kind="open", method="GET", agent=BROWSER, at=SENT + 3600, sent_at=SENT):
    return bots.classify(kind=kind, method=method, user_agent=agent, at=at, sent_at=sent_at)


def test_a_person_is_not_flagged():
    assert classify() is None
    assert classify(kind="click") is None
    assert classify(agent="Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)") \
        is None  # Gmail fetches the pixel when the person opens the message


@pytest.mark.parametrize("agent", [
    "Barracuda Sentinel (EE)", "Mozilla/5.0 (compatible; Mimecast Security Scanner)", "python-requests/2.31",
    "curl/8.0.1", "Go-http-client/1.1", "Mozilla/5.0 (compatible; Googlebot/2.1)", "Proofpoint URL Defense",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0; Pro)", "Slackbot-LinkExpanding 1.0",
    "Mozilla/5.0 HeadlessChrome/120.0", "facebookexternalhit/1.1"])
def test_scanner_agents_are_flagged(agent):
    assert classify(agent=agent) == "scanner_agent"


def test_head_requests_and_missing_agents_are_flagged():
    assert classify(method="HEAD") == "head"
    assert classify(method="head", kind="click") == "head"
    assert classify(agent="") == "no_user_agent"
    assert classify(agent="   ") == "no_user_agent"


def test_a_click_right_after_sending_is_a_scanner_but_an_open_is_not():
    assert classify(kind="click", at=SENT + 1) == "too_fast"
    assert classify(kind="click", at=SENT + bots.CLICK_MIN_SECONDS) is None
    assert classify(kind="open", at=SENT + 1) is None
    assert classify(kind="click", sent_at=None) is None


def test_counters_leave_bots_out_and_keep_the_first_times():
    hits = [{"recipient_id": "r1", "kind": "open", "at": 30, "bot_reason": None},
            {"recipient_id": "r1", "kind": "open", "at": 10, "bot_reason": None},
            {"recipient_id": "r1", "kind": "click", "at": 40, "bot_reason": None},
            {"recipient_id": "r1", "kind": "click", "at": 5, "bot_reason": "too_fast"},
            {"recipient_id": "r2", "kind": "open", "at": 1, "bot_reason": "head"}]
    assert bots.counters(hits) == {"r1": {"open_count": 2, "click_count": 1, "first_open": 10, "first_click": 40}}


def test_hits_encode_and_decode():
    text = engagement.encode_hit("click", "r1", at=12.3456, method="GET", user_agent="x" * 500,
                                 address="203.0.113.77", url="https://example.com/a")
    hit = engagement.decode_hit(text)
    assert hit == {"k": "click", "r": "r1", "at": 12.346, "m": "GET", "ua": "x" * engagement.UA_MAX,
                   "ip": "203.0.113.0/24", "u": "https://example.com/a"}
    assert engagement.network_of("2001:db8:1:2::5") == "2001:db8:1::/48"
    assert engagement.network_of("not an address") == ""


@pytest.mark.parametrize("text", ["", "nope", "[]", json.dumps({"k": "unsubscribe", "r": "r", "at": 1, "m": "GET"}),
                                  json.dumps({"k": "open", "r": 5, "at": 1, "m": "GET"}),
                                  json.dumps({"k": "open", "r": "r", "at": "x", "m": "GET"})])
def test_malformed_hits_are_dropped(text):
    assert engagement.decode_hit(text) is None


def test_the_address_is_masked():
    assert mask_email("jeanne.roy@example.com") == "j•••@example.com"
    assert mask_email("nobody") == "•••"
