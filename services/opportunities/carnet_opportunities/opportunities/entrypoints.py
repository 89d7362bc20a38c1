"""Entrypoints of stages (O-3), opportunities and product lines (O-1, O-2, O-4, O-5, O-7), their custom fields
(C-14: the same methods and arguments as the contacts service's, ``carnet_custom_fields.admin``, so the gateway
calls either by module) and their export (O-6, with the job entrypoints of ``carnet_common.jobs.JobRpc``).

parse → use case → dump: contracts in ``contracts.py``, use cases in ``usecases.py``.
"""
from eventlet import tpool

from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_common.jobs import JobRpc
from carnet_contracts import permissions
from carnet_custom_fields.admin import CustomFieldRpc
from carnet_opportunities.opportunities import contracts, custom_fields, repository, usecases


def _actor(actor):
    return load_or_raise(contracts.Actor(), actor)


def _id(value):
    """Path ids arrive as text; anything else cannot name a record."""
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


class OpportunitiesEntrypoints(CustomFieldRpc, JobRpc):
    """Mixed into OpportunitiesService (which provides ``db``, ``outbox`` and ``contacts``). Custom field writes:
    administrators (S-9)."""

    custom_field_admin = custom_fields.ADMIN
    actor_contract = contracts.Actor
    create_contract = contracts.CustomFieldCreate
    update_contract = contracts.CustomFieldUpdate

    job_store = repository.JOB_STORE
    job_work = {usecases.EXPORT_KIND: usecases.export_job}
    job_actor = contracts.Actor

    def job_authority_lost(self, principal, job):
        """Asked by ``JobRpc`` before a job runs: what its owner's ``principal`` of now no longer grants (the lists
        they may see asked of contacts)."""
        return usecases.export_authority_lost(principal=principal, params=job["params"], contacts=self.contacts)

    # Stages (O-3) ------------------------------------------------------------------------------------------
    @rpc_method
    def list_stages(self, actor):
        actor = _actor(actor)
        with self.db.begin():  # the defaults are created the first time
            return usecases.list_stages(self.db, actor=actor)

    @rpc_method
    def rename_stage(self, actor, stage_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.StageUpdate(), data)
        with self.db.begin():
            return usecases.rename_stage(self.db, actor=actor, stage_id=_id(stage_id), data=data)

    @rpc_method
    def add_substage(self, actor, stage_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.SubstageCreate(), data)
        with self.db.begin():
            return usecases.add_substage(self.db, actor=actor, stage_id=_id(stage_id), data=data)

    @rpc_method
    def rename_substage(self, actor, substage_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.SubstageUpdate(), data)
        with self.db.begin():
            return usecases.rename_substage(self.db, actor=actor, substage_id=_id(substage_id), data=data)

    # Opportunities (O-1, O-2, O-4, O-5, O-7) ---------------------------------------------------------------
    @rpc_method
    def search_opportunities(self, actor, query=None, fields=None):
        """``fields``: the standard fields the caller may read (S-3; None: all), which decide the order."""
        actor, query = _actor(actor), load_or_raise(contracts.OpportunityQuery(), query or {})
        return usecases.search_opportunities(self.db, actor=actor, query=query,
                                             fields=permissions.field_names(fields))

    @rpc_method
    def get_opportunity(self, actor, opportunity_id):
        return usecases.get_opportunity(self.db, actor=_actor(actor), opportunity_id=_id(opportunity_id))

    @rpc_method
    def create_opportunity(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.OpportunityCreate(), data)
        with self.db.begin():
            return usecases.create_opportunity(self.db, outbox=self.outbox, contacts=self.contacts, actor=actor,
                                               data=data)

    @rpc_method
    def import_opportunity(self, actor, data):
        """For the accounting sync (A-8): an opportunity from an accounting system, read-only here (O-7)."""
        actor, data = _actor(actor), load_or_raise(contracts.OpportunityImport(), data)
        source = data.pop("source")
        with self.db.begin():
            return usecases.create_opportunity(self.db, outbox=self.outbox, contacts=self.contacts, actor=actor,
                                               data=data, source=source)

    @rpc_method
    def update_opportunity(self, actor, opportunity_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.OpportunityUpdate(), data)
        with self.db.begin():
            return usecases.update_opportunity(self.db, outbox=self.outbox, contacts=self.contacts, actor=actor,
                                               opportunity_id=_id(opportunity_id), data=data)

    @rpc_method
    def delete_opportunity(self, actor, opportunity_id):
        actor = _actor(actor)
        with self.db.begin():
            usecases.delete_opportunity(self.db, outbox=self.outbox, actor=actor, opportunity_id=_id(opportunity_id))

    # Export (O-6) -----------------------------------------------------------------------------------------
    @rpc_method
    def export_opportunities(self, actor, query=None, denied_custom=(), fields=None):
        """``{content, filename, rows}`` up to ``EXPORT_SYNC_MAX_ROWS`` opportunities, else ``{job_id}``;
        ``denied_custom``: the custom keys the caller's role may not read (their columns are left out); ``fields``:
        the standard fields it may read (the only standard columns; None: all of them)."""
        actor = _actor(actor)
        query = load_or_raise(contracts.OpportunityQuery(), query or {})
        with self.db.begin():
            return usecases.start_export(self.db, actor=actor, query=query,
                                         denied=contracts.denied_custom(denied_custom),
                                         fields=permissions.field_names(fields),
                                         settings=self.export_settings, offload=tpool.execute)
