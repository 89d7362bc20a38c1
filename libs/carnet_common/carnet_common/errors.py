"""Typed errors that cross the RPC boundary as themselves.

Every class is registered with nameko's exception registry, so a service raising ``NotFound`` makes the
gateway's proxy raise ``NotFound`` too (not a ``RemoteError``). Arguments stay JSON-able because nameko
serialises ``exc.args``. ``code`` is a message key that the gateway renders in French or English
(``carnet_gateway/messages.py``); ``errors`` maps a field path to a list of message keys or texts.
"""
from nameko.exceptions import deserialize_to_instance


class CarnetError(Exception):
    status = 500
    slug = "internal"
    default_code = "internal_error"

    def __init__(self, code=None, errors=None, params=None):
        super().__init__(code or self.default_code, errors or {}, params or {})

    @property
    def code(self):
        return self.args[0]

    @property
    def errors(self):
        return self.args[1]

    @property
    def params(self):
        return self.args[2]

    def __str__(self):
        return f"{self.code} {self.errors or ''}".strip()


@deserialize_to_instance
class InvalidInput(CarnetError):
    status = 422
    slug = "validation"
    default_code = "invalid_input"


@deserialize_to_instance
class Unauthorized(CarnetError):
    status = 401
    slug = "unauthorized"
    default_code = "unauthorized"


@deserialize_to_instance
class Forbidden(CarnetError):
    status = 403
    slug = "forbidden"
    default_code = "forbidden"


@deserialize_to_instance
class NotFound(CarnetError):
    status = 404
    slug = "not-found"
    default_code = "not_found"


@deserialize_to_instance
class Conflict(CarnetError):
    status = 409
    slug = "conflict"
    default_code = "conflict"


@deserialize_to_instance
class TooManyRequests(CarnetError):
    status = 429
    slug = "rate-limited"
    default_code = "too_many_requests"


@deserialize_to_instance
class ServiceUnavailable(CarnetError):
    status = 503
    slug = "unavailable"
    default_code = "service_unavailable"


EXPECTED = (CarnetError,)


def flatten_messages(messages, prefix=""):
    """marshmallow's nested ``{"admin": {"password": [...]}}`` → ``{"admin.password": [...]}``."""
    flat = {}
    if isinstance(messages, list):
        flat[prefix or "_schema"] = [str(m) for m in messages]
        return flat
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_messages(value, path))
        else:
            flat[path] = [str(m) for m in (value if isinstance(value, list) else [value])]
    return flat
