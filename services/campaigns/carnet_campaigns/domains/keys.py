"""DKIM keys of sending domains (E-6): an RSA 2048 pair per domain, made when the domain is added.

The private key is kept encrypted at rest: a Fernet token (AES-128-CBC + HMAC-SHA256, ``cryptography``) whose key is
derived from ``CAMPAIGNS_KEY_SECRET`` (SHA-256 of it, base64url). When the variable is unset (``make run``, tests),
``DEV_SECRET`` is used, as ``carnet_contracts.campaign_links`` does for links; a deployment must set it. Changing the
secret makes the stored keys unreadable: ``decrypt`` then raises ``KeyUnreadable`` and the domain cannot sign.

The public key goes into the DKIM record as ``p=``: base64 of the DER SubjectPublicKeyInfo (RFC 6376 §3.6.1)."""
import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

DEV_SECRET = "carnet-dev-dkim-key-secret"  # only when CAMPAIGNS_KEY_SECRET is unset
KEY_BITS = 2048


class KeyUnreadable(Exception):
    """The stored private key does not decrypt with the secret of now."""


def _fernet(secret=None):
    raw = (secret if secret is not None else os.environ.get("CAMPAIGNS_KEY_SECRET") or DEV_SECRET).encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"carnet-dkim:" + raw).digest()))


def new_pair(*, secret=None):
    """``(encrypted private key: str, public key for p=: str)``."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    der = private.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    return _fernet(secret).encrypt(pem).decode(), base64.b64encode(der).decode()


def decrypt(token, *, secret=None):
    """The private key's PEM (bytes) from its stored token."""
    try:
        return _fernet(secret).decrypt(token.encode())
    except InvalidToken:
        raise KeyUnreadable("the DKIM key does not decrypt with CAMPAIGNS_KEY_SECRET") from None
