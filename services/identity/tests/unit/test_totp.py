"""The second factor's arithmetic (S-10): RFC 4226 and RFC 6238 test vectors, the drift window, no replay, and
recovery codes."""
import base64
from urllib.parse import parse_qs, urlsplit

import pytest

from carnet_identity import totp

# RFC 4226 appendix D and RFC 6238 appendix B: the ASCII secret "12345678901234567890" (SHA-1).
RFC_KEY = b"12345678901234567890"
RFC_SECRET = base64.b32encode(RFC_KEY).decode()


def test_hotp_matches_rfc_4226_appendix_d():
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [totp.hotp(RFC_KEY, counter) for counter in range(10)] == expected


@pytest.mark.parametrize("timestamp, code", [
    (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
    (2000000000, "69279037"), (20000000000, "65353130")])
def test_totp_matches_rfc_6238_appendix_b(timestamp, code):
    assert totp.hotp(RFC_KEY, totp.step_at(timestamp), digits=8) == code
    assert totp.code_at(RFC_SECRET, timestamp) == code[-6:]


def test_a_code_is_accepted_one_step_either_side_of_now_and_no_further():
    now = 1234567890
    for offset in (-30, 0, 30):
        assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, now + offset), now=now) == \
            totp.step_at(now + offset)
    for offset in (-60, 60):
        assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, now + offset), now=now) is None


def test_a_step_already_accepted_is_never_accepted_again():
    now = 1234567890
    code = totp.code_at(RFC_SECRET, now)
    step = totp.matching_step(RFC_SECRET, code, now=now)
    assert totp.matching_step(RFC_SECRET, code, now=now, after=step) is None
    assert totp.matching_step(RFC_SECRET, code, now=now, after=step - 1) == step


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", None])
def test_malformed_codes_match_nothing(code):
    assert totp.matching_step(RFC_SECRET, code, now=1234567890) is None


def test_a_new_secret_is_160_bits_of_base32_and_usable():
    secret = totp.new_secret()
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20
    assert secret != totp.new_secret()
    assert totp.matching_step(secret, totp.code_at(secret, 1000), now=1000) == totp.step_at(1000)


def test_the_provisioning_uri_is_what_authenticator_apps_read():
    uri = urlsplit(totp.provisioning_uri(RFC_SECRET, account="marie.tremblay"))
    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/Carnet:marie.tremblay")
    assert parse_qs(uri.query) == {"secret": [RFC_SECRET], "issuer": ["Carnet"], "algorithm": ["SHA1"],
                                   "digits": ["6"], "period": ["30"]}


def test_recovery_codes_are_ten_distinct_80_bit_codes_hashed_per_user():
    codes = totp.new_recovery_codes()
    assert len(codes) == len(set(codes)) == 10
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)
    assert all(totp.looks_like_recovery_code(code) for code in codes)
    assert not totp.looks_like_recovery_code("123456")
    code = codes[0]
    assert totp.recovery_code_hash("u1", code) == totp.recovery_code_hash("u1", code.upper().replace("-", " "))
    assert totp.recovery_code_hash("u1", code) != totp.recovery_code_hash("u2", code)
    assert code not in totp.recovery_code_hash("u1", code)
