"""Entrypoints of the dashboard (D-1): parse → use case → dump."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_opportunities.dashboard import contracts, usecases
from carnet_opportunities.tasks.contracts import TaskActor


class DashboardEntrypoints:
    """Mixed into OpportunitiesService (which provides ``db``)."""

    @rpc_method
    def get_dashboard(self, actor, query=None):
        actor, query = load_or_raise(TaskActor(), actor), load_or_raise(contracts.DashboardQuery(), query or {})
        return usecases.get_dashboard(self.db, actor=actor, query=query)
