"""Every error leaves the gateway as RFC 9457 ``application/problem+json`` in the caller's language."""
import logging

from flask import Response, g, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from carnet_common.errors import CarnetError, flatten_messages
from carnet_gateway import messages

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
HTTP_CODES = {400: "bad_request", 404: "route_not_found", 405: "method_not_allowed", 413: "body_too_large",
              415: "unsupported_media_type"}


def language():
    """French or English: ``Accept-Language`` first, then the user's preference, then English."""
    cached = getattr(g, "language", None)
    if cached:
        return cached
    best = request.accept_languages.best_match(["fr", "en"]) if request else None
    if best is None:
        principal = getattr(g, "principal", None)
        best = ((principal or {}).get("user") or {}).get("language") or "en"
    g.language = best
    return best


def problem(status, code, *, errors=None, params=None, headers=None, slug=None):
    lang = language()
    body = {
        "type": f"urn:carnet:problem:{slug or code.replace('_', '-')}",
        "title": messages.title(status, lang),
        "status": status,
        "detail": messages.render(code, lang, params),
        "code": code,
    }
    if errors:
        body["errors"] = {field: [messages.render(m, lang, params) for m in msgs]
                          for field, msgs in errors.items()}
    request_id = getattr(g, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = str(value)
    return response


# Seconds a client waits before trying again (RFC 9110 §10.2.3): a dependency outage (503) or a service that did
# not answer in time (504) is worth a retry a few seconds on, with the same ``Idempotency-Key`` for a ``POST``
# (issue 10 §4); a request with that key still running answers 409 and has its answer a moment later.
RETRY_AFTER = {503: 5, 504: 5}
RETRY_IN_FLIGHT = 1


def from_carnet_error(exc):
    headers = {}
    if exc.status == 429 and "retry_after" in exc.params:
        headers["Retry-After"] = exc.params["retry_after"]
    if exc.status in RETRY_AFTER:
        headers["Retry-After"] = RETRY_AFTER[exc.status]
    if exc.code == "idempotency_in_flight":
        headers["Retry-After"] = RETRY_IN_FLIGHT
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="carnet"'
    return problem(exc.status, exc.code, errors=exc.errors, params=exc.params, headers=headers, slug=exc.slug)


def register(app):
    @app.errorhandler(CarnetError)
    def _carnet(exc):
        return from_carnet_error(exc)

    @app.errorhandler(ValidationError)
    def _validation(exc):
        return problem(422, "invalid_input", errors=flatten_messages(exc.messages), slug="validation")

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc):
        return problem(413, "body_too_large", params={"limit": app.config["MAX_CONTENT_LENGTH"]})

    @app.errorhandler(HTTPException)
    def _http(exc):
        headers = {}
        if exc.code == 405 and exc.valid_methods:
            headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        code = HTTP_CODES.get(exc.code, "internal_error")
        return problem(exc.code or 500, code, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "internal_error")
