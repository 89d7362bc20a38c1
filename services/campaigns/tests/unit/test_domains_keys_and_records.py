"""DKIM keys encrypted at rest, the records to publish and the parsing of what the DNS answers (pure pieces of the
domains area); the check against a real DNS server is in the integration tests."""
import base64

import pytest
from cryptography.hazmat.primitives import serialization

from carnet_campaigns.domains import dns_check, keys


@pytest.fixture(scope="module")
def pair():
    return keys.new_pair(secret="s1")


def test_the_private_key_is_encrypted_and_matches_the_public_one(pair):
    token, public = pair
    assert "PRIVATE KEY" not in token and "MII" not in token
    pem = keys.decrypt(token, secret="s1")
    private = serialization.load_pem_private_key(pem, password=None)
    assert private.key_size == 2048
    der = private.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    assert base64.b64encode(der).decode() == public
    with pytest.raises(keys.KeyUnreadable):
        keys.decrypt(token, secret="another secret")


def test_the_secret_comes_from_the_environment(monkeypatch, pair):
    monkeypatch.setenv("CAMPAIGNS_KEY_SECRET", "s1")
    assert keys.decrypt(pair[0]).startswith(b"-----BEGIN PRIVATE KEY-----")
    monkeypatch.delenv("CAMPAIGNS_KEY_SECRET")
    with pytest.raises(keys.KeyUnreadable):
        keys.decrypt(pair[0])  # the dev default is another secret


def test_records_follow_the_settings(monkeypatch):
    records = dns_check.records(domain="acme.test", selector="carnet1", public_key="KEY")
    assert records == [
        {"record": "spf", "type": "TXT", "name": "acme.test", "value": "v=spf1 include:_spf.carnet.test ~all"},
        {"record": "dkim", "type": "TXT", "name": "carnet1._domainkey.acme.test", "value": "v=DKIM1; k=rsa; p=KEY"},
        {"record": "tracking", "type": "CNAME", "name": "e1.acme.test", "value": "track.carnet.test"}]
    monkeypatch.setenv("CAMPAIGNS_SPF_INCLUDE", "spf.mail.example")
    monkeypatch.setenv("CAMPAIGNS_TRACKING_LABEL", "clic")
    monkeypatch.setenv("CAMPAIGNS_TRACKING_HOST", "t.example.")
    spf, _, tracking = dns_check.records(domain="acme.test", selector="carnet1", public_key="KEY")
    assert spf["value"] == "v=spf1 include:spf.mail.example ~all"
    assert (tracking["name"], tracking["value"]) == ("clic.acme.test", "t.example")


def test_dkim_tags_join_whitespace_and_ignore_case_of_names():
    assert dns_check.dkim_tags("v=DKIM1; K=rsa;\tp=MIIB AQAB ; t=y") == {"v": "DKIM1", "k": "rsa", "p": "MIIBAQAB",
                                                                         "t": "y"}
    assert dns_check.dkim_tags("garbage") == {}


def test_verified_needs_all_three():
    ok = {"state": "ok"}
    assert dns_check.verified({"spf": ok, "dkim": ok, "tracking": ok})
    assert not dns_check.verified({"spf": ok, "dkim": ok, "tracking": {"state": "missing"}})
    assert not dns_check.verified({}) and not dns_check.verified(None)


def test_the_resolver_is_the_configured_one(monkeypatch):
    monkeypatch.setenv("CAMPAIGNS_DNS_SERVER", "127.0.0.1")
    monkeypatch.setenv("CAMPAIGNS_DNS_PORT", "5353")
    res = dns_check.resolver()
    assert res.nameservers == ["127.0.0.1"] and res.port == 5353 and res.lifetime == dns_check.LIFETIME
