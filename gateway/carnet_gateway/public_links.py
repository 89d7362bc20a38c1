"""The public pages of campaign e-mails (no login): the unsubscribe page and RFC 8058 one-click POST (E-7), the
open pixel and click redirect (E-9), all behind tokens signed by the campaigns service
(carnet_contracts.campaign_links). Registered on the app by ``register``."""


def register(app):
    pass
