"""The public side of forms (F-2, F-4, F-5; no login): the embed script, submissions, the webhook, confirmation
links and the pages a visitor sees. Registered on the app by ``register``."""


def register(app):
    pass
