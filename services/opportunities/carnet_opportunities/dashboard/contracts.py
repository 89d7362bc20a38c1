"""RPC contracts of the dashboard (D-1); its caller is the tasks' ``TaskActor`` (with the organization's time zone,
N-6). The gateway keeps its own copy for HTTP (``carnet_gateway/schemas/tasks.py``)."""
from marshmallow import fields

from carnet_common.contracts import Contract, identifier


class DashboardQuery(Contract):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    user_id = identifier()
