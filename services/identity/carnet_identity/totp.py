"""Time-based one-time passwords (RFC 6238) and recovery codes for the optional second factor (S-10).

Written here rather than taken from a library: the algorithm is HMAC-SHA1 over a 30-second counter plus RFC 4226's
dynamic truncation, twenty lines checked against the RFC's own test vectors (tests/unit/test_totp.py), and every
authenticator app speaks exactly this profile (SHA-1, 6 digits, 30 s). Codes are accepted one step either side
of now (a phone's clock drifts, a user types slowly), and a step once used is never accepted again (the caller
keeps the last step it accepted).

Recovery codes are 80 random bits each (16 base32 characters), so a fast hash is enough to store them: guessing
one is as hopeless as guessing a token, and checking one must not cost an argon2 run per stored code.
"""
import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
SECRET_BYTES = 20          # 160 bits, RFC 4226's recommended secret length for HMAC-SHA1
RECOVERY_CODES = 10
RECOVERY_CODE_BYTES = 10   # 80 bits, 16 base32 characters
ISSUER = "Carnet"


def new_secret():
    """A base32 secret, as authenticator apps take it (no padding)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def _key(secret):
    return base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)


def hotp(key, counter, *, digits=DIGITS, digest=hashlib.sha1):
    """RFC 4226: the ``digits``-digit code of ``counter`` under the raw ``key`` bytes."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** digits).zfill(digits)


def step_at(timestamp):
    return int(timestamp) // STEP_SECONDS


def code_at(secret, timestamp):
    return hotp(_key(secret), step_at(timestamp))


def matching_step(secret, code, *, now, after=None):
    """The time step whose code ``code`` is (now, or one step either side), provided it comes after ``after`` (the
    last step accepted, so a code is never used twice); None when there is none."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    key, current = _key(secret), step_at(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret, *, account):
    """The ``otpauth://`` URI an authenticator app reads from a QR code (Key Uri Format)."""
    label = quote(f"{ISSUER}:{account}", safe=":@")
    query = urlencode({"secret": secret, "issuer": ISSUER, "algorithm": "SHA1", "digits": DIGITS,
                       "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"


def new_recovery_codes():
    """Codes shown once to the user, as ``xxxx-xxxx-xxxx-xxxx``."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(RECOVERY_CODE_BYTES)).decode().lower()
        codes.append("-".join(raw[i:i + 4] for i in range(0, len(raw), 4)))
    return codes


def looks_like_recovery_code(text):
    return len(_normalised(text)) == RECOVERY_CODE_BYTES * 8 // 5


def _normalised(text):
    return "".join(ch for ch in (text or "").lower() if ch.isalnum())


def recovery_code_hash(user_id, code):
    """What is stored of a recovery code: salted by the user, so one stored list says nothing about another."""
    return hashlib.sha256(f"{user_id}:{_normalised(code)}".encode()).hexdigest()
