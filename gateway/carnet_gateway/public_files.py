"""File links of e-mails (E-8): a file of the file manager (C-21) linked from a template or an e-mail as an expiring
signed URL, ``<PUBLIC_BASE_URL>/files/<token>``, served without login. Registered on the app by ``register``.

Minting (``POST /api/v1/email-templates/file-links``, routes/templates.py): the caller must be able to read the
document through ``GET /api/v1/documents/{id}`` (the contacts service's ``get_document`` with their visibility: 404
otherwise) and hold ``emails.write``. The token then carries what serving needs — the organization, the document,
its storage key, name, type and size, and an expiry ``FILE_LINK_DAYS`` days ahead (``CAMPAIGNS_FILE_LINK_DAYS``,
default 30) — signed with HMAC-SHA256 under ``CAMPAIGNS_FILE_LINK_SECRET`` (a secret of its own, not the campaign
links' one). So the recipient's download asks no service: the link grants exactly that file, until it expires or
the file is deleted (its bytes are gone: 404).

Serving (``GET /files/<token>``): a token not ours, changed or malformed is 400; an expired one, or a file whose
bytes are gone, 404 — each a page in both languages (French first), since a link cannot tell the reader's. The file
is streamed as an attachment (``Content-Disposition`` with its exact name, RFC 6266/8187), ``nosniff``, never cached
(``no-store``), under a sandboxing CSP, no referrer: no file ever renders as a page of ours.
"""
import logging
import os
import time

from flask import Response, g, render_template, stream_with_context

from carnet_common import storage
from carnet_contracts import campaign_links
from carnet_gateway import messages, public_pages

log = logging.getLogger(__name__)

KIND = "file"
DEV_SECRET = "carnet-dev-file-link-secret"  # only when CAMPAIGNS_FILE_LINK_SECRET is unset (make run, tests)
DEFAULT_DAYS = 30
MAX_DAYS = 365
LANGS = ("fr", "en")
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; "
            "base-uri 'none'")
PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow",
                "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}


BadToken = campaign_links.BadToken  # not made by us, changed, or malformed


class Expired(ValueError):
    """Genuine, but past its expiry."""


def secret():
    return (os.environ.get("CAMPAIGNS_FILE_LINK_SECRET") or DEV_SECRET).encode()


def link_days():
    try:
        days = int(os.environ.get("CAMPAIGNS_FILE_LINK_DAYS") or DEFAULT_DAYS)
    except ValueError:
        days = DEFAULT_DAYS
    return min(max(days, 1), MAX_DAYS)


def sign(document, *, org_id, expires_at, key=None):
    """A token for ``document`` (the contacts service's ``get_document`` answer, with ``storage_key``): sealed as
    the campaign links are (``campaign_links.seal``), under this secret."""
    return campaign_links.seal(KIND, {"o": org_id, "d": document["id"], "s": document["storage_key"],
                                      "n": document["name"], "t": document["content_type"],
                                      "z": int(document["size"]), "e": int(expires_at)}, key=key or secret())


def verify(token, *, now=None, key=None):
    """The token's data (``BadToken``, ``Expired`` otherwise)."""
    data = campaign_links.unseal(KIND, token, key=key or secret())
    if not all(isinstance(data.get(name), str) for name in ("o", "d", "s", "n", "t")) \
            or not isinstance(data.get("e"), int) or not isinstance(data.get("z"), int):
        raise BadToken("shape")
    if data["e"] <= (time.time() if now is None else now):
        raise Expired()
    return data


def mint(document, *, org_id):
    """``{document_id, name, url, expires_at}``: the public link of ``document`` for ``link_days()`` days."""
    expires_at = int(time.time()) + link_days() * 86400
    token = sign(document, org_id=org_id, expires_at=expires_at)
    return {"document_id": document["id"], "name": document["name"],
            "url": f"{public_pages.public_base_url()}/files/{token}",
            "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires_at))}


def register(app):
    app.add_url_rule("/files/<token>", "public_file", serve, methods=["GET"])


def _problem_page(status, key):
    g.web_language = g.language = "fr"
    texts = [{"lang": language, "title": messages.render(f"{key}_title", language),
              "body": messages.render(key, language)} for language in LANGS]
    response = Response(render_template("public/invalid.html", texts=texts), status=status, mimetype="text/html")
    response.headers.update(PAGE_HEADERS)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


def serve(token):
    try:
        data = verify(token)
    except BadToken:
        return _problem_page(400, "file_link_invalid")
    except Expired:
        return _problem_page(404, "file_link_expired")
    from carnet_gateway.routes.documents import content_disposition, document_storage
    try:
        chunks = document_storage().open(data["s"])
    except storage.Missing:
        return _problem_page(404, "file_link_gone")
    except Exception:  # noqa: BLE001 - the disk or the object store failed
        log.exception("file link of document %s: the storage did not answer", data["d"])
        return _problem_page(503, "file_link_unavailable")
    return Response(stream_with_context(chunks), content_type=data["t"], headers={
        "Content-Disposition": content_disposition(data["n"]), "Content-Length": str(data["z"]),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex, nofollow", "Content-Security-Policy": "default-src 'none'; sandbox"})
