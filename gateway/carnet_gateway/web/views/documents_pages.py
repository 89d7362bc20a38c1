"""Documents (C-21): the file manager ``/app/documents`` (folders, upload, move, rename, delete) and the documents
section of contact and account pages (``documents/record_section.html``, loaded as a fragment from
``/app/documents/record/<kind>/<id>``, with a plain link as the no-JavaScript fallback).

Every read and write is the ``/api/v1`` operation (``calls.run``), so a page shows exactly what the same user's API
call would (routes/documents.py has the rules). An upload posted by a page is streamed as the API's is: this module
raises the request's body limit to the upload's before the CSRF check reads the form, for a signed-in user only.
"""
from flask import request

from carnet_gateway import auth
from carnet_gateway.routes import documents as routes
from carnet_gateway.web import blueprint, session

# The upload operation's streaming view, installed once the API's routes are registered (routes/documents.py).
blueprint.record_once(lambda state: routes.install(state.app))

UPLOAD_ENDPOINTS = {"web.documents_upload"}


@blueprint.before_request
def _upload_limit():
    """Runs before the session's CSRF check reads the form (this module is imported before it registers): a
    signed-in user's upload page may post up to 100 MB and its margin; anyone else keeps the app's limit."""
    if request.endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        token = request.cookies.get(session.COOKIE)
        if token and len(token) <= 512:
            try:
                auth.authenticate(token)
            except Exception:  # noqa: BLE001 - not signed in: the small limit stays, the CSRF check refuses
                return
            request.max_content_length = routes.rules.MAX_BYTES + routes.FORM_MARGIN
