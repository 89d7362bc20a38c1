"""Driving the web client (``/app``) as a browser without JavaScript would: form posts with the page's CSRF token,
the session cookie kept, HTML read with lxml. For page tests that need no real browser (tests/web); the user
journeys run in Chromium (tests/browser).

The session cookie is ``Secure``: ``requests`` would not send it back over the tests' plain-HTTP loopback, so this
client keeps the cookies it is given itself (names and values only, every path under ``/app``).
"""
from http.cookies import SimpleCookie

import lxml.html
import requests

from support.http import PASSWORD, ApiClient, create_user, login, ok, sign_up, unique  # noqa: F401


class Page:
    """An answer of the web client: ``status``, ``html`` (lxml), helpers to read it."""

    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.headers = response.headers
        self.text = response.text
        self.html = lxml.html.fromstring(response.content) if response.content.strip() else None

    def css(self, selector):
        return self.html.cssselect(selector) if self.html is not None else []

    def one(self, selector):
        found = self.css(selector)
        assert len(found) == 1, f"{len(found)} elements match {selector!r}"
        return found[0]

    def texts(self, selector):
        return [" ".join(element.text_content().split()) for element in self.css(selector)]

    @property
    def body_text(self):
        return " ".join(self.html.text_content().split()) if self.html is not None else ""

    @property
    def csrf(self):
        main = self.css("main[data-csrf]")
        return main[0].get("data-csrf") if main else None

    @property
    def location(self):
        return self.headers.get("Location", "")


class WebClient:
    def __init__(self, base_url, language=None):
        self.base_url = base_url
        self.language = language
        self.cookies = {}
        self.session = requests.Session()
        self.csrf = None

    def _send(self, method, path, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if self.language:
            headers.setdefault("Accept-Language", self.language)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        response = self.session.request(method, self.base_url + path, headers=headers, **kwargs)
        session_before = self.cookies.get("carnet_session")
        for header in response.raw.headers.getlist("Set-Cookie"):
            parsed = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        page = Page(response)
        if self.cookies.get("carnet_session") != session_before:
            self.csrf = None  # a new session has a new token
        if page.csrf:
            self.csrf = page.csrf
        return page

    def get(self, path, **kwargs):
        return self._send("GET", path, **kwargs)

    def follow(self, page):
        """The page a 303 (post/redirect/get) sends the browser to."""
        assert page.status in (302, 303), (page.status, page.text[:500])
        location = page.location
        return self.get(location[len(self.base_url):] if location.startswith("http") else location)

    def post(self, path, data=None, *, csrf=True, **kwargs):
        """A form post, with the CSRF token of the last page read (reading a page first if none since the session
        began: the trash when signed in, the login page before)."""
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            if self.csrf is None:
                self.get("/app/trash" if "carnet_session" in self.cookies else "/app/login")
            data["csrf_token"] = self.csrf
        return self._send("POST", path, data=data, **kwargs)


def web_login(base_url, username, password=PASSWORD, language=None):
    """A ``WebClient`` signed in through the login form."""
    client = WebClient(base_url, language=language)
    client.get("/app/login")
    page = client.post("/app/login", {"username": username, "password": password})
    assert page.status == 303, page.text[:1000]
    assert "carnet_session" in client.cookies
    return client
