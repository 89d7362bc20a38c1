"""The import wizard (C-19) under ``/app/imports``."""
from carnet_gateway.routes import imports as routes
from carnet_gateway.web import blueprint

# The upload operation's streaming view, installed once the API's routes are registered (routes/imports.py).
blueprint.record_once(lambda state: routes.install(state.app))
