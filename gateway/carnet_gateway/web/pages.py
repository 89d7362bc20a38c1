"""What every page template can use besides ``t`` and the formatters (``i18n.py``): the signed-in user (``me``),
the navigation the role allows, the CSRF token, and the one-time message of a post/redirect/get (``flash``)."""
import base64
import json

from flask import g, request

from carnet_contracts.permissions import may
from carnet_gateway.web import i18n, session

FLASH_COOKIE = "carnet_flash"
# (path, catalogue key, module whose read permission shows it; None: every user; "admin": administrators)
NAVIGATION = (
    ("/app/dashboard", "nav.dashboard", "dashboard"),
    ("/app/contacts", "nav.contacts", "contacts"),
    ("/app/accounts", "nav.accounts", "accounts"),
    ("/app/opportunities", "nav.opportunities", "opportunities"),
    ("/app/tasks", "nav.tasks", "tasks"),
    ("/app/imports", "nav.imports", "contacts"),
    ("/app/duplicates", "nav.duplicates", "contacts"),
    ("/app/documents", "nav.documents", "documents"),
    ("/app/automations", "nav.automations", "automations"),
    ("/app/campaigns", "nav.campaigns", "emails"),
    ("/app/templates", "nav.templates", "emails"),
    ("/app/sending-domains", "nav.sending_domains", "emails"),
    ("/app/suppressions", "nav.suppressions", "emails"),
    ("/app/forms", "nav.forms", "forms"),
    ("/app/trash", "nav.trash", None),
    ("/app/settings", "nav.settings", "admin"),
)


def register(blueprint):
    blueprint.context_processor(lambda: {"me": session.principal()})
    blueprint.after_request(_keep_flash)


def navigation():
    principal = session.principal()
    if principal is None:
        return []
    items = []
    for path, key, module in NAVIGATION:
        if module == "admin" and not principal["is_admin"]:
            continue
        if module not in (None, "admin") and not may(principal, module, "read"):
            continue
        items.append({"url": path, "label": i18n.t(key), "current": request.path.startswith(path)})
    return items


def flash(*keys, **params):
    """Show the catalogue texts ``keys`` (with ``params``) once, on the page the browser is sent to next."""
    g.web_flash = base64.urlsafe_b64encode(json.dumps([list(keys), params]).encode()).decode()


def flashes():
    """The texts of the last page's ``flash``. Only catalogue keys are shown (a cookie edited by hand shows nothing
    else), their params escaped where shown as any text."""
    if g.get("web_flash_shown") is None:
        from carnet_gateway import messages
        try:
            keys, params = json.loads(base64.urlsafe_b64decode(request.cookies.get(FLASH_COOKIE, "").encode()))
            params = {str(name): str(value) for name, value in dict(params).items()}
            g.web_flash_shown = [i18n.t(key, **params) for key in keys if key in messages.MESSAGES]
        except (ValueError, TypeError):
            g.web_flash_shown = []
    return g.web_flash_shown


def _keep_flash(response):
    if g.get("web_flash"):
        response.set_cookie(FLASH_COOKIE, g.web_flash, path=session.COOKIE_PATH, secure=True, httponly=True,
                            samesite="Lax", max_age=60)
    elif g.get("web_flash_shown") is not None and request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE, path=session.COOKIE_PATH, secure=True, httponly=True, samesite="Lax")
    return response
