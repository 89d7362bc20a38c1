"""The services behind the gateway, and the one way a route calls them: ``services.contacts.call("get_contact",
actor, contact_id)``.

Every call goes through the app's ``RpcClient`` (``rpc.py``: a started proxy per thread, a timeout on every
call, failures mapped to 502/503/504), so a route never reaches for the client itself.
"""
from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Service:
    name: str

    def call(self, method, *args):
        return current_app.extensions["carnet.rpc"].call(self.name, method, *args)


identity = Service("identity")
contacts = Service("contacts")
opportunities = Service("opportunities")
campaigns = Service("campaigns")
forms = Service("forms")
