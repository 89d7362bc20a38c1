"""RPC entrypoints of imports (C-19): parse (contracts) → use case → result. The upload arrives in chunks (the
gateway streams the request body), then is checked and its header read in ``eventlet.tpool`` (openpyxl is
CPU-bound); dry runs, imports and reverts are background jobs run by ``JobRpc``'s runner (exports/entrypoints.py)."""
from eventlet import tpool
from nameko.extensions import DependencyProvider

from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts.contracts import actor_of, path_id
from carnet_contacts.imports import contracts, usecases


class ImportSettingsProvider(DependencyProvider):
    """``ImportSettings`` read from the environment once, when the service starts."""

    def setup(self):
        self.settings = usecases.ImportSettings.from_env()

    def get_dependency(self, worker_ctx):
        return self.settings


class ImportsRpc:
    """Mixed into ContactsService (which provides ``db``, ``export_settings``: the jobs' caps, ...)."""

    import_settings = ImportSettingsProvider()
    # Background jobs of this area (N-4): {kind: work}, gathered by ``JobRpc`` (carnet_common/jobs.py).
    job_work = dict(usecases.WORK)
    # {kind: check(principal=, params=)}: what the owner's principal of now no longer grants (JobRpc).
    job_checks = dict.fromkeys(usecases.KINDS, usecases.authority_lost)
    # Read by ``JobRpc``: what a job of these kinds adds to its read (counts, first errors), and its failure codes.
    job_reads = dict.fromkeys(usecases.KINDS, usecases.run_read)
    job_codes = dict.fromkeys(usecases.KINDS, {"failure": "import_failed", "timed_out": "import_timed_out",
                                              "owner_gone": "import_owner_inactive",
                                              "narrowed": "import_authority_narrowed",
                                              "interrupted": "import_interrupted",
                                              "per_user": "import_jobs_per_user", "per_org": "import_jobs_per_org"})

    @rpc_method
    def start_import(self, actor, request):
        """A new import of the caller's, waiting for its file's chunks: ``{id}``."""
        request = load_or_raise(contracts.ImportStart(), request)
        with self.db.begin():
            return usecases.start_upload(self.db, actor=actor_of(actor), record_type=request["record_type"],
                                         filename=request["filename"])

    @rpc_method
    def add_import_chunk(self, actor, import_id, chunk):
        chunk = load_or_raise(contracts.ImportChunk(), chunk)
        with self.db.begin():
            return usecases.add_chunk(self.db, actor=actor_of(actor), import_id=path_id(import_id),
                                      seq=chunk["seq"], data=chunk["data"], settings=self.import_settings)

    @rpc_method
    def finish_import(self, actor, import_id):
        """The upload checked (archive, rows) and its columns proposed; a refusal deletes it (422, ``params.status``
        415 for a file that is not an .xlsx)."""
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.finish_upload(self.db, actor=actor, import_id=path_id(import_id),
                                          settings=self.import_settings, offload=tpool.execute)

    @rpc_method
    def get_import(self, actor, import_id):
        return usecases.get_import(self.db, actor=actor_of(actor), import_id=path_id(import_id))

    @rpc_method
    def dry_run_import(self, actor, import_id, options):
        return self._start(actor, import_id, options, usecases.DRY_RUN)

    @rpc_method
    def run_import(self, actor, import_id, options):
        return self._start(actor, import_id, options, usecases.RUN)

    def _start(self, actor, import_id, options, kind):
        options = load_or_raise(contracts.ImportOptions(), options)
        with self.db.begin():
            return usecases.start_job(self.db, actor=actor_of(actor), import_id=path_id(import_id), options=options,
                                      kind=kind, settings=self.export_settings)

    @rpc_method
    def revert_import(self, actor, import_id, language="en"):
        """``language``: of the reverted rows' report (``en`` or ``fr``)."""
        with self.db.begin():
            return usecases.start_revert(self.db, actor=actor_of(actor), import_id=path_id(import_id),
                                         settings=self.export_settings, language="fr" if language == "fr" else "en")
