"""Entrypoints of the opportunities service for stages (O-3), opportunities and product lines (O-1, O-2, O-4..O-7),
exports (O-6), the delete conversation with contacts (C-10) and action criteria (C-12).

parse → use case → dump: contracts in ``contracts.py``, use cases in ``usecases.py``.
"""
import base64
from decimal import Decimal

from eventlet import tpool

from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_common.errors import InvalidInput
from carnet_opportunities import contracts, custom_fields, export_xlsx, opportunity_dependents, usecases


def _actor(actor):
    return load_or_raise(contracts.Actor(), actor)


def _id(value):
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


def _keys(values):
    return {v for v in values if isinstance(v, str)} if isinstance(values, (list, tuple)) else set()


class OpportunitiesRpc:
    """Mixed into OpportunitiesService (which provides ``db`` and ``outbox``)."""

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
    def search_opportunities(self, actor, query=None):
        actor, query = _actor(actor), load_or_raise(contracts.OpportunityQuery(), query or {})
        return usecases.search_opportunities(self.db, actor=actor, query=query)

    @rpc_method
    def get_opportunity(self, actor, opportunity_id):
        return usecases.get_opportunity(self.db, actor=_actor(actor), opportunity_id=_id(opportunity_id))

    @rpc_method
    def create_opportunity(self, actor, data):
        actor, data = _actor(actor), load_or_raise(contracts.OpportunityCreate(), data)
        with self.db.begin():
            return usecases.create_opportunity(self.db, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def import_opportunity(self, actor, data):
        """For the accounting sync (A-8): an opportunity from an accounting system, read-only here (O-7)."""
        actor, data = _actor(actor), load_or_raise(contracts.OpportunityImport(), data)
        source = data.pop("source")
        with self.db.begin():
            return usecases.create_opportunity(self.db, outbox=self.outbox, actor=actor, data=data, source=source)

    @rpc_method
    def update_opportunity(self, actor, opportunity_id, data):
        actor, data = _actor(actor), load_or_raise(contracts.OpportunityUpdate(), data, partial=True)
        with self.db.begin():
            return usecases.update_opportunity(self.db, outbox=self.outbox, actor=actor,
                                               opportunity_id=_id(opportunity_id), data=data)

    @rpc_method
    def delete_opportunity(self, actor, opportunity_id):
        actor = _actor(actor)
        with self.db.begin():
            usecases.delete_opportunity(self.db, outbox=self.outbox, actor=actor, opportunity_id=_id(opportunity_id))

    @rpc_method
    def export_opportunities(self, actor, query=None, denied_custom=()):
        """O-6: the opportunities the filters select, as .xlsx (base64), up to ``EXPORT_MAX_ROWS``; a column per
        custom field that is not hidden nor in ``denied_custom`` (keys the caller's role may not read, S-3)."""
        actor, denied = _actor(actor), _keys(denied_custom)
        query = load_or_raise(contracts.OpportunityQuery(), {**(query or {}), "page": 1, "per_page": 1})
        first = usecases.search_opportunities(self.db, actor=actor, query=query)
        if first["total"] > export_xlsx.EXPORT_MAX_ROWS:
            raise InvalidInput("export_too_many_rows", errors={"_schema": ["export_too_many_rows"]},
                               params={"max": export_xlsx.EXPORT_MAX_ROWS})
        rows, page = [], 1
        while len(rows) < first["total"]:
            chunk = usecases.search_opportunities(self.db, actor=actor, query={**query, "page": page, "per_page": 200})
            if not chunk["items"]:
                break
            rows.extend(chunk["items"])
            page += 1
        stages = {s["id"]: s["label"] for s in usecases.list_stages(self.db, actor=actor)}
        for row in rows:
            row["stage"] = stages.get(row["stage_id"])
            row["total"] = Decimal(row["total"])
        columns = [field for key, field in custom_fields.definitions(self.db, actor["org_id"]).items()
                   if not field["hidden"] and key not in denied]
        content = tpool.execute(export_xlsx.build, rows, language=actor["language"], custom_fields=columns)
        return {"content": base64.b64encode(content).decode(), "filename": "opportunities.xlsx", "rows": len(rows)}

    # Deletes of contacts and accounts (C-10) --------------------------------------------------------------
    @rpc_method
    def dependents_of(self, actor, record_type, record_id):
        """What hangs on a contact or an account: its opportunities (and tasks, when the tasks area adds
        them), for the delete preview."""
        actor = _actor(actor)
        query = load_or_raise(contracts.DependentsQuery(), {"record_type": record_type, "record_id": record_id})
        return opportunity_dependents.dependents_of(self.db, actor=actor, **query)
