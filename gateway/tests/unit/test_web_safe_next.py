"""Where a page sends the browser next (``web/session.py`` ``safe_next``: after login, after a form of the lists or
documents pages): a path of the web client only, never another site (an open redirect)."""
import pytest
from flask import Flask

from carnet_gateway.web import session


def _next(target, default=None):
    app = Flask(__name__)
    app.add_url_rule("/app/", "web.home", lambda: "")
    with app.test_request_context("/app/x", method="POST"):
        return session.safe_next(target, default)


@pytest.mark.parametrize("target", ["/app/contacts", "/app/documents?folder_id=f1", "/app/contacts/c1#documents"])
def test_a_path_of_the_web_client_is_followed(target):
    assert _next(target) == target


@pytest.mark.parametrize("target", [None, "", "https://evil.example/app/", "//evil.example/app/", "/app//evil.example",
                                    "/app/\\evil.example", "/api/v1/contacts", "javascript:alert(1)", ["/app/x"],
                                    "/app/" + "x" * 600])
def test_anything_else_goes_to_the_default(target):
    assert _next(target) == "/app/"
    assert _next(target, "") == ""
