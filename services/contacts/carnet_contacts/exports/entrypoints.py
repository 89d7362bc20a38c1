"""RPC entrypoints of exports to .xlsx (C-18) and their background jobs (N-4): parse (contracts) → use case →
result. The gateway passes what the caller's role may read: the service never reads the other columns
(exports/usecases.py has the design). CPU-bound writing is offloaded to ``eventlet.tpool``, passed in."""
from eventlet import tpool

from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_common.jobs import JobRpc
from carnet_contacts.contracts import Actor, actor_of
from carnet_contacts.exports import contracts, repository, usecases
from carnet_contacts.records.contracts import SearchQuery


class ExportRpc(JobRpc):
    """Mixed into ContactsService (which provides ``db``); ``JobRpc`` reads, runs and cleans the export jobs."""

    job_store = repository.STORE
    job_work = dict.fromkeys(usecases.KINDS.values(), usecases.export_job)
    job_actor = Actor
    # {kind: check(principal=, params=)}: what the owner's principal of now no longer grants of a queued job's params.
    job_checks = dict.fromkeys(usecases.KINDS.values(), usecases.authority_lost)

    @rpc_method
    def export_records(self, actor, request):
        """``{filename, rows, content}`` (base64 .xlsx) up to ``EXPORT_SYNC_MAX_ROWS`` rows, else ``{job_id}``."""
        actor = actor_of(actor)
        request = load_or_raise(contracts.ExportRequest(), request)
        request["query"] = load_or_raise(SearchQuery(), request["query"])
        with self.db.begin():
            return usecases.start_export(self.db, actor=actor, request=request, settings=self.export_settings,
                                         offload=tpool.execute)
