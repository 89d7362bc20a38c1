"""The web client (issue 11): server-rendered pages under ``/app``, beside ``/api/v1``.

Pages are Jinja templates (``templates/``), upgraded by htmx (vendored in ``static/js/vendor``; every link and form
is boosted: the server renders the whole page, htmx swaps the body and pushes the URL) and a few custom elements
(``static/js/islands``). Every page works without JavaScript (post/redirect/get).

A page never decides a rule: it runs the ``/api/v1`` operation itself (``calls.py``: the same checks, the same
view, the same response schema, for the principal of the session cookie), so it shows exactly what the same user's
API call would. Conventions for new pages: ``README.md``.
"""
import importlib
import pkgutil

from flask import Blueprint, redirect

from carnet_gateway.web import i18n, pages, security, session

blueprint = Blueprint("web", __name__, url_prefix="/app", template_folder="templates", static_folder="static",
                      static_url_path="/static")



def register(app):
    _configure_once()
    i18n.register_globals(app)
    app.register_blueprint(blueprint)
    app.add_url_rule("/", "root", lambda: redirect("/app/", 302))


def _configure_once():
    """The blueprint is module-level (views declare pages on it): set it up before its first registration only."""
    if blueprint._got_registered_once:
        return
    from carnet_gateway.web import views  # each module of ``views/`` declares its pages on ``blueprint``
    for info in pkgutil.iter_modules(views.__path__):
        importlib.import_module(f"{views.__name__}.{info.name}")
    # In this order: the principal (from the cookie), then the language (the profile's), then the CSRF check (its
    # refusal is a page in that language).
    session.register(blueprint)
    i18n.register(blueprint)
    session.register_csrf(blueprint)
    pages.register(blueprint)
    security.register(blueprint)
