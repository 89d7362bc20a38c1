"""RPC contracts of the dashboard (D-1): its query is declared once for both sides in
``carnet_contracts.dashboard`` (as this service loads it: ``date_from`` and ``date_to`` as dates); its caller is
the tasks' ``TaskActor`` (with the organization's time zone, N-6)."""
from carnet_contracts import dashboard

DashboardQuery = dashboard.DashboardPeriod
