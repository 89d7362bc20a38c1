"""The one-time message of a post/redirect/get (``web/pages.py`` ``flash``): catalogue texts only, with their
params, in the next page's language; a cookie edited by hand shows nothing else."""
import base64
import json

from flask import Flask, g

from carnet_gateway.web import pages


def _next_page(cookie_value, language="en"):
    app = Flask(__name__)
    with app.test_request_context("/app/", headers={"Cookie": f"{pages.FLASH_COOKIE}={cookie_value}"}):
        g.web_language = language
        return pages.flashes()


def _written(*keys, **params):
    app = Flask(__name__)
    with app.test_request_context("/app/x", method="POST"):
        pages.flash(*keys, **params)
        return g.web_flash


def test_a_flash_shows_its_catalogue_texts_with_their_params_on_the_next_page():
    cookie = _written("records.contact_deleted", "records.dependents_left", count=2)
    assert _next_page(cookie) == ["The contact is in the trash.", "2 linked opportunity(ies) or task(s) stayed."]
    assert _next_page(cookie, "fr")[1] == "2 opportunité(s) ou tâche(s) liée(s) sont restées."


def test_a_cookie_edited_by_hand_shows_no_text_of_its_own():
    forged = base64.urlsafe_b64encode(json.dumps([["<script>alert(1)</script>", "auth.welcome"], {}]).encode())
    assert _next_page(forged.decode()) == ["Welcome to Carnet: your organization is ready."]
    assert _next_page("not-base64!") == [] and _next_page("") == []
    assert _next_page(base64.urlsafe_b64encode(b'{"a": 1}').decode()) == []
