"""RPC entrypoints of duplicates (C-20): parse (contracts) → use case → result, and the timer of the background scan.

The scan is this area's own timer rather than a job of ``JobRpc``: it has no owner whose file or authority matters
(the queue is the organization's, and each read of it applies the reader's visibility), and it keeps one state row
per organization and record type (``duplicate_scans``), locked with SKIP LOCKED so that one replica scans each. A
full scan is CPU-bound (keys and scores in Python): it runs in an OS thread (``eventlet.tpool``) on a connection of
its own (``thread_engine``), without the statement timeout, so the hub keeps serving RPCs and AMQP heartbeats.
"""
from eventlet import tpool
from nameko.extensions import DependencyProvider
from nameko.timer import timer

from carnet_common.contracts import load_or_raise
from carnet_common.db import background_transaction
from carnet_common.entrypoints import rpc_method
from carnet_common.errors import InvalidInput
from carnet_common.jobs import thread_engine
from carnet_contacts.contracts import actor_of
from carnet_contacts.duplicates import usecases
from carnet_contracts import duplicates as contracts

SCAN_TICK = 1  # seconds between two passes of the scan timer (a requested full scan, then the incremental checks)
CANDIDATES = {"contact": contracts.ContactCandidate, "account": contracts.AccountCandidate}


class SettingsProvider(DependencyProvider):
    """``usecases.Settings`` from the service's config (``DUPLICATES_*``), read once when the service starts."""

    def setup(self):
        self.settings = usecases.Settings(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings


def record_type_of(value):
    if value not in usecases.RECORD_TYPES:
        raise InvalidInput(errors={"record_type": ["invalid"]})
    return value


def run_full_scan(engine, settings):
    """One requested full scan, in an OS thread on its own connection (see the module's docstring)."""
    with background_transaction(engine) as session:
        return usecases.run_requested_scan(session, settings=settings)


class DuplicatesRpc:
    """Mixed into ContactsService (which provides ``db``, ``outbox``, ...)."""

    duplicates_settings = SettingsProvider()

    @rpc_method
    def check_duplicates(self, actor, record_type, candidate):
        """The probable duplicates of a record about to be created that the caller can GET (C-20)."""
        actor, record_type = actor_of(actor), record_type_of(record_type)
        candidate = load_or_raise(CANDIDATES[record_type](), candidate)
        return usecases.check_candidate(self.db, actor=actor, record_type=record_type, candidate=candidate,
                                        settings=self.duplicates_settings)

    @rpc_method
    def list_duplicates(self, actor, record_type, query=None):
        actor, record_type = actor_of(actor), record_type_of(record_type)
        query = load_or_raise(contracts.QueueQuery(), query or {})
        return usecases.list_queue(self.db, actor=actor, record_type=record_type, page=query["page"],
                                   per_page=query["per_page"], record_id=query.get("record_id"))

    @rpc_method
    def dismiss_duplicate(self, actor, record_type, pair):
        actor, record_type = actor_of(actor), record_type_of(record_type)
        pair = load_or_raise(contracts.PairBody(), pair)
        with self.db.begin():
            usecases.dismiss_pair(self.db, actor=actor, record_type=record_type, a_id=pair["a_id"],
                                  b_id=pair["b_id"])

    @rpc_method
    def request_duplicate_scan(self, actor, record_type):
        actor, record_type = actor_of(actor), record_type_of(record_type)
        with self.db.begin():
            return usecases.request_scan(self.db, actor=actor, record_type=record_type)

    @rpc_method
    def get_duplicate_scan(self, actor, record_type):
        return usecases.scan_state(self.db, actor=actor_of(actor), record_type=record_type_of(record_type))

    @timer(interval=SCAN_TICK)
    def scan_duplicates(self):
        with self.db.begin():
            waiting = usecases.scan_waiting(self.db)
        if waiting:
            tpool.execute(run_full_scan, thread_engine(self.db.get_bind()), self.duplicates_settings)
        usecases.run_incremental_scans(self.db.begin, self.db, settings=self.duplicates_settings)
