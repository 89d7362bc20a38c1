"""Entrypoints of the contacts service for exports to .xlsx (C-18) and background jobs (N-4).

The gateway passes what the caller's role may read (standard fields of the record and of its account,
custom keys it may not read): the service never reads the other columns. See ``jobs.py`` for the design.
"""
from eventlet import tpool
from marshmallow import fields as f
from marshmallow import validate

from carnet_common.contracts import Contract, load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_common.jobs import JobRpc
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


class ExportRpc(JobRpc):
    """Mixed into ContactsService (which provides ``db``); ``JobRpc`` reads, runs and cleans the export jobs."""

    job_store = jobs.STORE
    job_work = dict.fromkeys(jobs.KINDS.values(), jobs.export_job)
    job_actor = contracts.Actor

    @rpc_method
    def export_records(self, actor, request):
        """``{filename, rows, content}`` (base64 .xlsx) up to ``EXPORT_SYNC_MAX_ROWS`` rows, else ``{job_id}``."""
        actor = load_or_raise(contracts.Actor(), actor)
        request = load_or_raise(ExportRequest(), request)
        request["query"] = load_or_raise(contracts.SearchQuery(), request["query"])
        with self.db.begin():
            return jobs.start_export(self.db, actor=actor, request=request, settings=self.export_settings,
                                     offload=tpool.execute)
