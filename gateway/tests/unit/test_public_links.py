"""The public links of campaign e-mails (public_links.py, E-7, E-9) over hand-written fakes: the pixel and the click
(signed targets only, http/https only), hits buffered per process and sent in one RPUSH, a Redis failure losing hits
without failing the answer, the unsubscribe page's language and the RFC 8058 one-click POST (no page), GET never
unsubscribing, a bad token 400 in both languages with no RPC made."""
import json

import pytest
import redis as redis_lib

from carnet_common.errors import NotFound
from carnet_contracts import campaign_links, engagement
from carnet_gateway import public_links

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


class Lists:
    """RPUSH/LTRIM of a Redis list, or a failure on every call."""

    def __init__(self, failing=False):
        self.items, self.failing, self.pushes = [], failing, 0

    def rpush(self, key, *values):
        if self.failing:
            raise redis_lib.ConnectionError("down")
        self.pushes += 1
        self.items.extend(values)
        return len(self.items)

    def ltrim(self, key, start, end):
        self.items = self.items[start:end + 1]


@pytest.fixture
def lists(app, monkeypatch):
    """The app's Redis, and a buffer of hits without its flushing thread (flushed when full or by the test)."""
    app.extensions["carnet.redis"] = found = Lists()
    monkeypatch.setattr(public_links, "HITS", public_links.HitBuffer(background=False))
    return found


def hits(lists):
    public_links.HITS.flush(lists)
    return [json.loads(item) for item in lists.items]


def test_the_pixel_is_a_gif_and_its_hit_is_queued(client, lists):
    token = campaign_links.sign("open", "r1")
    answer = client.get(f"/t/o/{token}.gif", headers={"User-Agent": BROWSER},
                        environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert answer.status_code == 200 and answer.mimetype == "image/gif" and len(answer.data) == 43
    assert answer.data.startswith(b"GIF89a") and "no-store" in answer.headers["Cache-Control"]
    client.head(f"/t/o/{token}.gif", headers={"User-Agent": BROWSER})
    queued = hits(lists)
    assert [(h["k"], h["r"], h["m"], h["ip"]) for h in queued] == [("open", "r1", "GET", "203.0.113.0/24"),
                                                                   ("open", "r1", "HEAD", "127.0.0.0/24")]
    assert client.get(f"/t/o/{campaign_links.sign('open', 'r1', key=b'other')}.gif").status_code == 400
    assert client.get(f"/t/o/{campaign_links.sign('click', 'r1', url='https://a.test')}.gif").status_code == 400
    assert hits(lists) == queued  # nothing more queued


def test_the_click_redirects_only_to_its_signed_http_target(client, lists):
    good = campaign_links.sign("click", "r1", url="https://example.com/offre?a=1")
    answer = client.get(f"/t/c/{good}", headers={"User-Agent": BROWSER})
    assert answer.status_code == 302 and answer.headers["Location"] == "https://example.com/offre?a=1"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    payload, signature = good.split(".")
    forged = campaign_links.sign("click", "r1", url="https://evil.test/").split(".")[0] + "." + signature
    for token in (forged, campaign_links.sign("click", "r1", url="javascript:alert(1)"),
                  campaign_links.sign("click", "r1", url="https:///nohost"), "x.y", payload):
        refused = client.get(f"/t/c/{token}")
        assert refused.status_code == 400 and "Lien invalide" in refused.text and "Invalid link" in refused.text
    assert [(h["k"], h["u"]) for h in hits(lists)] == [("click", "https://example.com/offre?a=1")]


def test_hits_go_to_redis_in_batches_and_a_failure_loses_them_quietly(client, lists, app):
    token = campaign_links.sign("open", "r1")
    for _ in range(public_links.HitBuffer.FLUSH_AT + 1):
        client.get(f"/t/o/{token}.gif")
    assert lists.pushes == 1 and len(lists.items) == public_links.HitBuffer.FLUSH_AT
    app.extensions["carnet.redis"] = down = Lists(failing=True)
    assert client.get(f"/t/o/{token}.gif").status_code == 200
    public_links.HITS.flush(down)  # logged, dropped
    assert public_links.HITS.pending == []


def test_the_queue_is_bounded(monkeypatch, lists):
    monkeypatch.setattr(engagement, "QUEUE_MAX", 3)
    public_links.HITS.pending = ["a", "b", "c", "d", "e"]
    public_links.HITS.flush(lists)
    assert lists.items == ["a", "b", "c"]


def test_the_page_never_unsubscribes_and_the_one_click_post_does(client, rpc):
    rpc.answers[("campaigns", "get_unsubscribe_target")] = {"recipient_id": "r1", "org_id": "o1",
                                                            "email_masked": "j•••@x.test", "language": "en",
                                                            "unsubscribed_at": None}
    rpc.answers[("identity", "get_public_profile")] = {"id": "o1", "name": "Acme", "logo_url": "javascript:x",
                                                       "sender_name": "Acme", "legal_text": "", "language": "fr"}
    rpc.answers[("campaigns", "unsubscribe")] = {"recipient_id": "r1", "changed": True}
    token = campaign_links.sign("unsubscribe", "r1")
    page = client.get(f"/u/{token}")
    assert page.status_code == 200 and '<html lang="en">' in page.text and "<img" not in page.text
    assert "from Acme." in page.text and f'href="/u/{token}?lang=fr"' in page.text
    assert "Veuillez compléter" in client.get(f"/u/{token}?lang=fr").text
    assert ("campaigns", "unsubscribe", ("r1", "page")) not in rpc.calls
    assert not [call for call in rpc.calls if call[1] == "unsubscribe"]
    one_click = client.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and one_click.mimetype == "text/plain"
    form = client.post(f"/u/{token}", data={"lang": "fr"})
    assert form.status_code == 303 and form.headers["Location"].endswith(f"/u/{token}?lang=fr")
    assert [call[2] for call in rpc.calls if call[1] == "unsubscribe"] == [("r1", "one_click"), ("r1", "page")]


def test_bad_or_unknown_tokens_make_no_change(client, rpc):
    rpc.answers[("campaigns", "unsubscribe")] = NotFound()
    rpc.answers[("campaigns", "get_unsubscribe_target")] = NotFound()
    forged = campaign_links.sign("unsubscribe", "r1", key=b"guess")
    assert client.get(f"/u/{forged}").status_code == 400
    assert client.post(f"/u/{forged}", data={"List-Unsubscribe": "One-Click"}).status_code == 400
    assert rpc.calls == []
    unknown = campaign_links.sign("unsubscribe", "gone")
    assert client.get(f"/u/{unknown}").status_code == 404
    assert client.post(f"/u/{unknown}", data={"List-Unsubscribe": "One-Click"}).status_code == 404
