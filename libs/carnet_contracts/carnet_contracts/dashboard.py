"""The dashboard (D-1): the period and user ``/api/v1`` takes, and the same query as the opportunities service
loads it (``DashboardPeriod``: dates as ``date``)."""
from carnet_common.contracts import Contract, identifier
from carnet_contracts.values import DateText, Parsed

# ``from`` is a Python keyword: the query is built with ``type`` to use the names of the contract.
DashboardQuery = type("DashboardQuery", (Contract,), {
    "__module__": __name__,
    "from": DateText(metadata={"description": "YYYY-MM-DD; default 1 January"}),
    "to": DateText(metadata={"description": "YYYY-MM-DD; default today"}),
    "user_id": identifier(metadata={"description": "Administrators, or hierarchy users for those below them."})})

SERVICE_KEYS = {"from": "date_from", "to": "date_to"}


class DashboardPeriod(Parsed, DashboardQuery):
    """The dates as dates, under the names the service reads (``date_from``, ``date_to``)."""

    def parse(self, data):
        return {SERVICE_KEYS.get(key, key): value for key, value in super().parse(data).items()}
