"""The identity nameko service: parse → use case → dump, nothing else."""
import time

from nameko.dependency_providers import Config
from nameko.events import event_handler
from nameko.extensions import DependencyProvider
from nameko.timer import timer

from carnet_common.context import RequestContext
from carnet_common.contracts import load_or_raise
from carnet_common.db import Database
from carnet_common.entrypoints import OpsEndpoints, rpc_method
from carnet_common.inbox import Inbox
from carnet_common.metrics import Metrics
from carnet_common.outbox import Outbox
from carnet_common.redis_provider import Redis
from carnet_identity import contracts, models, passwords, sessions, usecases

SERVICE = "identity"


class SignupHashing(DependencyProvider):
    """The hashing lane of sign-ups (``passwords.Lane``), sized by ``SIGNUP_HASH_CONCURRENCY`` (1) and
    ``SIGNUP_HASH_QUEUE`` (2): one per service process, shared by its workers."""

    def setup(self):
        config = self.container.config
        self.lane = passwords.Lane(concurrency=int(config.get("SIGNUP_HASH_CONCURRENCY", 1)),
                                   queue=int(config.get("SIGNUP_HASH_QUEUE", 2)))

    def get_dependency(self, worker_ctx):
        return self.lane


def _actor(actor):
    return load_or_raise(contracts.Actor(), actor)


class IdentityService(OpsEndpoints):
    name = SERVICE

    db = Database()
    redis = Redis()
    outbox = Outbox(models.outbox)
    inbox = Inbox(models.inbox, models.inbox_failures)
    call_metrics = Metrics()
    request_context = RequestContext()
    signup_hashing = SignupHashing()

    config = Config()

    @property
    def _ttl(self):
        return int(self.config.get("SESSION_TTL_SECONDS", 43200))

    @property
    def _signup_plans(self):
        """S-7: the plans an operator lets a sign-up choose besides the default (``SIGNUP_PLANS``, comma-separated)."""
        return tuple(plan.strip() for plan in str(self.config.get("SIGNUP_PLANS") or "").split(",") if plan.strip())

    # Organizations ---------------------------------------------------------------------------
    @rpc_method
    def create_organization(self, data):
        data = load_or_raise(contracts.OrganizationCreate(), data)
        with self.db.begin():
            return usecases.create_organization(self.db, redis=self.redis, outbox=self.outbox, data=data,
                                                offered_plans=self._signup_plans,
                                                hash_password=self.signup_hashing.hash_password)

    @rpc_method
    def set_plan(self, org_id, plan):
        """Operators only (``python -m carnet_identity.operator``, a billing system): no gateway route calls it."""
        with self.db.begin():
            return usecases.set_plan(self.db, redis=self.redis, outbox=self.outbox, org_id=str(org_id),
                                     plan=str(plan))

    @rpc_method
    def get_organization(self, actor):
        return usecases.get_organization(self.db, actor=_actor(actor))

    @rpc_method(read_only=True)
    def get_public_profile(self, org_id):
        """No actor: the gateway's public unsubscribe page (E-7) shows it to a recipient, by the org of a signed
        link's recipient."""
        return usecases.get_public_profile(self.db, org_id=org_id)

    @rpc_method
    def update_organization(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.OrganizationUpdate(), data)
        with self.db.begin():
            return usecases.update_organization(self.db, redis=self.redis, outbox=self.outbox,
                                                actor=actor, data=data)

    # Sessions --------------------------------------------------------------------------------
    @rpc_method
    def login(self, username, password):
        return usecases.login(self.db, redis=self.redis, username=str(username)[:150],
                              password=str(password)[:256], ttl_seconds=self._ttl)

    @rpc_method
    def login_second_factor(self, data):
        data = load_or_raise(contracts.LoginSecondFactor(), data)
        with self.db.begin():
            return usecases.login_second_factor(self.db, redis=self.redis, outbox=self.outbox, data=data,
                                                ttl_seconds=self._ttl, now=time.time())

    @rpc_method
    def logout(self, token_digest):
        return sessions.revoke(self.redis, token_digest)

    @rpc_method
    def get_principal(self, user_id):
        return usecases.get_principal(self.db, user_id=user_id)

    # Users -----------------------------------------------------------------------------------
    @rpc_method
    def list_users(self, actor, query=None):
        actor, query = _actor(actor), load_or_raise(contracts.ListQuery(), query or {})
        return usecases.list_users(self.db, actor=actor, query=query)

    @rpc_method
    def get_user(self, actor, user_id):
        return usecases.get_user(self.db, actor=_actor(actor), user_id=user_id)

    @rpc_method(read_only=True)
    def get_user_states(self, actor, user_ids):
        """``{id: "active" | "inactive"}`` for the ids that name users of the caller's organization (others, and
        deleted users, are left out): how the gateway checks the user ids a write names (issue 10 §2)."""
        actor, query = _actor(actor), load_or_raise(contracts.UserIds(), {"user_ids": user_ids})
        return usecases.user_states(self.db, actor=actor, user_ids=query["user_ids"])

    @rpc_method
    def create_user(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.UserCreate(), data)
        with self.db.begin():
            return usecases.create_user(self.db, redis=self.redis, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def update_user(self, actor, user_id, data, keep_session=None):
        actor, data = _actor(actor), load_or_raise(contracts.UserUpdate(), data)
        keep_session = keep_session if isinstance(keep_session, str) else None
        with self.db.begin():
            return usecases.update_user(self.db, redis=self.redis, outbox=self.outbox, actor=actor,
                                        user_id=user_id, data=data, keep_session=keep_session)

    @rpc_method
    def delete_user(self, actor, user_id):
        with self.db.begin():
            usecases.delete_user(self.db, redis=self.redis, outbox=self.outbox, actor=_actor(actor),
                                 user_id=user_id)

    # Second factor (S-10) ----------------------------------------------------------------------
    @rpc_method
    def get_second_factor(self, actor):
        return usecases.get_second_factor(self.db, actor=_actor(actor))

    @rpc_method
    def start_totp_enrolment(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.PasswordConfirmation(), data)
        with self.db.begin():
            return usecases.start_totp_enrolment(self.db, redis=self.redis, actor=actor, data=data)

    @rpc_method
    def confirm_totp_enrolment(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.TotpCode(), data)
        with self.db.begin():
            return usecases.confirm_totp_enrolment(self.db, redis=self.redis, outbox=self.outbox, actor=actor,
                                                   data=data, now=time.time())

    @rpc_method
    def regenerate_recovery_codes(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.PasswordConfirmation(), data)
        with self.db.begin():
            return usecases.regenerate_recovery_codes(self.db, redis=self.redis, actor=actor, data=data)

    @rpc_method
    def disable_totp(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.PasswordConfirmation(), data)
        with self.db.begin():
            usecases.disable_totp(self.db, redis=self.redis, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def reset_totp(self, actor, user_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.PasswordConfirmation(), data)
        with self.db.begin():
            usecases.reset_totp(self.db, redis=self.redis, outbox=self.outbox, actor=actor, user_id=user_id,
                                data=data)

    # Roles and permissions -------------------------------------------------------------------
    @rpc_method
    def list_roles(self, actor):
        return usecases.list_roles(self.db, actor=_actor(actor))

    @rpc_method
    def create_role(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.RoleCreate(), data)
        with self.db.begin():
            return usecases.create_role(self.db, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def update_role(self, actor, role_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.RoleUpdate(), data)
        with self.db.begin():
            return usecases.update_role(self.db, outbox=self.outbox, actor=actor, role_id=role_id, data=data)

    @rpc_method
    def delete_role(self, actor, role_id):
        with self.db.begin():
            usecases.delete_role(self.db, outbox=self.outbox, actor=_actor(actor), role_id=role_id)

    @rpc_method
    def get_permissions(self, actor, role_id):
        return usecases.get_permissions(self.db, actor=_actor(actor), role_id=role_id)

    @rpc_method
    def set_permissions(self, actor, role_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.PermissionsSet(), data)
        with self.db.begin():
            return usecases.set_permissions(self.db, redis=self.redis, outbox=self.outbox, actor=actor,
                                            role_id=role_id, data=data)

    @rpc_method
    def list_audit(self, actor, query=None):
        actor, query = _actor(actor), load_or_raise(contracts.ListQuery(), query or {})
        return usecases.list_audit(self.db, actor=actor, query=query)

    # Outbox relay and the audit journal (identity consuming its own events) ---------------------
    @timer(interval=0.25)
    def relay_outbox(self):
        self.outbox.relay()

    def _audit(self, event_type, envelope):
        self.inbox.handle(envelope, lambda session, data: usecases.record_audit(
            session, event_type=event_type, envelope=envelope))

    @event_handler(SERVICE, "organization_created", requeue_on_error=True)
    def audit_organization_created(self, envelope):
        self._audit("organization_created", envelope)

    @event_handler(SERVICE, "organization_updated", requeue_on_error=True)
    def audit_organization_updated(self, envelope):
        self._audit("organization_updated", envelope)

    @event_handler(SERVICE, "organization_security_changed", requeue_on_error=True)
    def audit_organization_security_changed(self, envelope):
        self._audit("organization_security_changed", envelope)

    @event_handler(SERVICE, "user_created", requeue_on_error=True)
    def audit_user_created(self, envelope):
        self._audit("user_created", envelope)

    @event_handler(SERVICE, "user_updated", requeue_on_error=True)
    def audit_user_updated(self, envelope):
        self._audit("user_updated", envelope)

    @event_handler(SERVICE, "user_deactivated", requeue_on_error=True)
    def audit_user_deactivated(self, envelope):
        self._audit("user_deactivated", envelope)

    @event_handler(SERVICE, "user_deleted", requeue_on_error=True)
    def audit_user_deleted(self, envelope):
        self._audit("user_deleted", envelope)

    @event_handler(SERVICE, "permissions_changed", requeue_on_error=True)
    def audit_permissions_changed(self, envelope):
        self._audit("permissions_changed", envelope)

    @event_handler(SERVICE, "role_created", requeue_on_error=True)
    def audit_role_created(self, envelope):
        self._audit("role_created", envelope)

    @event_handler(SERVICE, "role_updated", requeue_on_error=True)
    def audit_role_updated(self, envelope):
        self._audit("role_updated", envelope)

    @event_handler(SERVICE, "role_deleted", requeue_on_error=True)
    def audit_role_deleted(self, envelope):
        self._audit("role_deleted", envelope)
