"""What the identity integration tests use to reach the running service and its stores."""
import json
import uuid

import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from carnet_common import config as carnet_config
from carnet_common import redis_keys

RPC_TIMEOUT = 15


class Running:
    """What the tests reach: the service's stores, its HTTP address and its captured log."""

    def __init__(self, *, database_url, amqp_uri, redis_prefix, http, log_path):
        self.database_url = database_url
        self.amqp_uri = amqp_uri
        self.redis_prefix = redis_prefix
        self.http = http
        self.log_path = log_path
        self.rpc_config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        self.engine = sa.create_engine(carnet_config.sqlalchemy_url(database_url))
        self.redis = redis_keys.client()

    def proxy(self, **context_data):
        return ClusterRpcProxy(self.rpc_config, context_data=context_data or None, timeout=RPC_TIMEOUT)

    def log_entries(self):
        entries = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            _, _, text = line.partition(" | ")
            try:
                entries.append(json.loads(text))
            except ValueError:
                continue
        return entries


def unique(prefix="u"):
    return f"{prefix}{uuid.uuid4().hex[:10]}"


PASSWORD = "correct-horse-battery"
# The one plan besides the default that this run's operator offers at sign-up (S-7, SIGNUP_PLANS).
OFFERED = "solo"


class Org:
    """One organization made through the service, with its admin as an actor."""

    def __init__(self, svc, *, plan="team", name="Acme"):
        """Signed up on the default plan, then moved to ``plan`` by the operator's seam (S-7), as in production."""
        self.svc = svc
        created = svc.create_organization({"name": name, "admin": {
            "username": unique("admin"), "password": PASSWORD, "full_name": "Admin", "email": "admin@example.com"}})
        self.org = created["organization"] if plan == created["organization"]["plan"] else svc.set_plan(
            created["organization"]["id"], plan)
        self.id = self.org["id"]
        self.admin_user = created["user"]
        self.admin = actor(self.admin_user)

    def add_user(self, **fields):
        data = {"username": unique(), "password": PASSWORD, "full_name": "Some One", "email": "one@example.com",
                **fields}
        return self.svc.create_user(self.admin, data)


def actor(user):
    return {"org_id": user["org_id"], "user_id": user["id"], "is_admin": user["is_admin"]}
