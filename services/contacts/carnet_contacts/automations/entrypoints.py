"""RPC entrypoints and event handlers of automations (AU-1): parse (contracts) → use case → result.
usecases.py has the design (who may define one, whose visibility a run has, on demand and on change)."""
import time

from nameko.events import event_handler

from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_common.errors import Unauthorized
from carnet_contacts import events
from carnet_contacts.automations import contracts, usecases
from carnet_contacts.contracts import actor_of, names, path_id

CONTACTS = "contacts"
# How long a creator's principal, asked of identity for a change, answers for the next changes: an import of 100,000
# contacts into a source list would otherwise cost as many identity RPCs (~3 ms of CPU each, docs/stack-facts.md).
PRINCIPAL_TTL_S = 5.0


class PrincipalCache:
    """Identity's ``get_principal`` answers of this process, each kept ``PRINCIPAL_TTL_S`` seconds (a refusal,
    ``Unauthorized``, too): a change is checked against its creator's authority of at most that long ago. Errors
    that say nothing of the user (identity silent) are not kept: the event is handled again later."""

    def __init__(self, ttl=PRINCIPAL_TTL_S, clock=time.monotonic):
        self.ttl, self.clock, self.kept = ttl, clock, {}

    def get(self, user_id, ask):
        now = self.clock()
        found = self.kept.get(user_id)
        if found is None or found[0] <= now:
            try:
                found = (now + self.ttl, ask(user_id), None)
            except Unauthorized as exc:
                found = (now + self.ttl, None, exc)
            self.kept = {key: value for key, value in self.kept.items() if value[0] > now}
            self.kept[user_id] = found
        if found[2] is not None:
            raise found[2]
        return found[1]


PRINCIPALS = PrincipalCache()


class AutomationsRpc:
    """Mixed into ContactsService (which provides ``db``, ``outbox``, ``inbox``, and, from ``JobRpc``, the jobs'
    settings and ``job_identity``, the proxy to identity with a timeout)."""

    # Background jobs of this area (N-4): {kind: work}, gathered by ``JobRpc`` (carnet_common/jobs.py).
    job_work = {usecases.KIND: usecases.run_job}
    # {kind: check(principal=, params=)}: what the owner's principal of now no longer grants (JobRpc).
    job_checks = {usecases.KIND: usecases.authority_lost}
    # What a run's job fails or is refused with, in the automation's words (``carnet_common.jobs.CODE_NAMES``; the
    # messages: gateway catalogs/automations.py); ``JobRpc`` gathers them, and ``last_run`` shows the same code.
    job_codes = {usecases.KIND: usecases.JOB_CODES}

    @rpc_method(read_only=True)
    def list_automations(self, actor):
        return usecases.list_automations(self.db, actor=actor_of(actor))

    @rpc_method(read_only=True)
    def get_automation(self, actor, automation_id):
        return usecases.get_automation(self.db, actor=actor_of(actor), automation_id=path_id(automation_id))

    @rpc_method
    def create_automation(self, actor, data, unreadable=()):
        """``unreadable``: the permission keys the caller may not read (no criteria on them, C-12, S-3)."""
        actor, data = actor_of(actor), load_or_raise(contracts.AutomationCreate(), data)
        with self.db.begin():
            return usecases.create_automation(self.db, actor=actor, data=data, unreadable=names(unreadable))

    @rpc_method
    def update_automation(self, actor, automation_id, data, unreadable=()):
        actor, data = actor_of(actor), load_or_raise(contracts.AutomationUpdate(), data)
        with self.db.begin():
            return usecases.update_automation(self.db, actor=actor, automation_id=path_id(automation_id), data=data,
                                              unreadable=names(unreadable))

    @rpc_method
    def delete_automation(self, actor, automation_id):
        with self.db.begin():
            usecases.delete_automation(self.db, actor=actor_of(actor), automation_id=path_id(automation_id))

    @rpc_method
    def run_automation(self, actor, automation_id):
        """``{job_id}``: a run on demand, queued as a job (N-4)."""
        with self.db.begin():
            return usecases.start_run(self.db, actor=actor_of(actor), automation_id=path_id(automation_id),
                                      settings=self.export_settings)

    # On every change of a contact (AU-1 [beyond]): the service's own events, once each through the inbox (N-3).
    # The method names are part of the queue names the bootstrap declares: keep them.
    def _contact_changed(self, envelope):
        data = envelope.get("data") if isinstance(envelope, dict) else None
        if isinstance(data, dict) and not usecases.concerns_any(self.db, data):
            return   # no automation runs on change in its organization (a malformed envelope goes to the inbox)
        self.inbox.handle(envelope, lambda session, data: usecases.contact_changed(
            session, outbox=self.outbox, data=data,
            principal_of=lambda user_id: PRINCIPALS.get(user_id, self.job_identity.get_principal)))

    @event_handler(CONTACTS, events.CONTACT_CREATED, requeue_on_error=True)
    def automations_on_contact_created(self, envelope):
        self._contact_changed(envelope)

    @event_handler(CONTACTS, events.CONTACT_UPDATED, requeue_on_error=True)
    def automations_on_contact_updated(self, envelope):
        self._contact_changed(envelope)

    @event_handler(CONTACTS, events.MEMBERSHIP_CHANGED, requeue_on_error=True)
    def automations_on_membership_changed(self, envelope):
        self._contact_changed(envelope)

    @event_handler(CONTACTS, events.CONTACT_MOVED, requeue_on_error=True)
    def automations_on_contact_moved(self, envelope):
        self._contact_changed(envelope)

    @event_handler(CONTACTS, events.CONTACT_RESTORED, requeue_on_error=True)
    def automations_on_contact_restored(self, envelope):
        self._contact_changed(envelope)
