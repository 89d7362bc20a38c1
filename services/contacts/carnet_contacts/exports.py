"""Entrypoints of the contacts service for exports to .xlsx (C-18) and background jobs (N-4).

The gateway passes what the caller's role may read (standard fields of the record and of its account,
custom keys it may not read): the service never reads the other columns. See ``jobs.py`` for the design.
"""
from eventlet import tpool
from marshmallow import fields as f
from marshmallow import validate
from nameko.timer import timer

from carnet_common.contracts import Contract, load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_common.jobs import ExportSettingsProvider, clean_job_id
from carnet_contacts import contracts, jobs


class ExportRequest(Contract):
    record_type = f.String(required=True, validate=validate.OneOf(("contact", "account")))
    query = f.Dict(load_default=dict)
    record_fields = f.List(f.String(validate=validate.Length(max=64)), load_default=list,
                         validate=validate.Length(max=200))
    account_fields = f.List(f.String(validate=validate.Length(max=64)), load_default=list,
                                 validate=validate.Length(max=200))
    denied_custom = f.List(f.String(validate=validate.Length(max=64)), load_default=list,
                                validate=validate.Length(max=500))
    unreadable = f.List(f.String(validate=validate.Length(max=200)), load_default=list,
                        validate=validate.Length(max=1000))
    language = f.String(load_default="en", validate=validate.OneOf(("en", "fr")))


class ExportRpc:
    """Mixed into ContactsService (which provides ``db``)."""

    export_settings = ExportSettingsProvider()

    @rpc_method
    def export_records(self, actor, request):
        """``{filename, rows, content}`` (base64 .xlsx) up to ``EXPORT_SYNC_MAX_ROWS`` rows, else ``{job_id}``."""
        actor = load_or_raise(contracts.Actor(), actor)
        request = load_or_raise(ExportRequest(), request)
        request["query"] = load_or_raise(contracts.SearchQuery(), request["query"])
        with self.db.begin():
            return jobs.start_export(self.db, actor=actor, request=request, settings=self.export_settings,
                                     offload=tpool.execute)

    @rpc_method
    def get_job(self, actor, job_id):
        return jobs.get_job(self.db, actor=load_or_raise(contracts.Actor(), actor), job_id=clean_job_id(job_id))

    @rpc_method
    def read_job_chunk(self, actor, job_id, seq):
        return jobs.read_job_chunk(self.db, actor=load_or_raise(contracts.Actor(), actor),
                                   job_id=clean_job_id(job_id), seq=seq)

    @timer(interval=1)
    def run_export_jobs(self):
        """One queued job per tick; nameko waits for this worker before the next tick."""
        jobs.run_next_job(self.db.get_bind(), settings=self.export_settings, offload=tpool.execute)

    @timer(interval=300)
    def clean_export_jobs(self):
        with self.db.begin():
            jobs.clean_jobs(self.db, settings=self.export_settings)
