"""What every public page of the gateway (no login: campaigns' links, ``public_links.py``; forms, ``public_forms.py``;
file links, ``public_files.py``) does the same way: the public address itself, its language without a session, the
page with its headers and CSP, the page in both languages for a link or key that cannot tell us the visitor's, and
the one check of an address we redirect to."""
import os
from urllib.parse import urlsplit

from flask import Response, g, render_template, request

from carnet_gateway import messages

LANGS = ("fr", "en")


def public_base_url():
    """Where the public pages are reached from outside (``PUBLIC_BASE_URL``; else the address this request came to):
    the links in e-mails, the embed snippet, signed file links."""
    return (os.environ.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


def use_language(language):
    """The page's texts (``t``) in ``language`` (French unless it is English or French): a public page has no
    session; the link, the form or the browser says the language."""
    g.web_language = g.language = language if language in LANGS else "fr"
    return g.web_language


def page(template, *, status, csp, headers, **context):
    response = Response(render_template(template, **context), status=status, mimetype="text/html")
    response.headers.update(headers)
    response.headers["Content-Security-Policy"] = csp
    return response


def both_languages(*, status, title, body, csp, headers):
    """``public/invalid.html`` in French then English, with the messages ``title`` and ``body``."""
    use_language("fr")
    texts = [{"lang": language, "title": messages.render(title, language), "body": messages.render(body, language)}
             for language in LANGS]
    return page("public/invalid.html", status=status, csp=csp, headers=headers, texts=texts)


def safe_target(url):
    """Whether ``url`` may be redirected to: http or https with a host, no line break (no header injection)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c in url for c in "\r\n")
