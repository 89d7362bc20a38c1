"""The opportunities nameko service: its dependencies, the entrypoints of each area (``<area>/entrypoints.py``:
parse → use case → dump) and the outbox relay.

``contacts`` is the proxy to the contacts service whose calls wait at most ``CONTACTS_TIMEOUT`` seconds (nameko's
own proxy waits for ever, docs/stack-facts.md): a write confirms there the contacts and accounts it names
(``readmodel/links.py``), and answers 503 rather than wait longer when contacts is silent."""
from nameko.timer import timer

from carnet_common.context import RequestContext
from carnet_common.db import Database
from carnet_common.entrypoints import OpsEndpoints
from carnet_common.inbox import Inbox
from carnet_common.metrics import Metrics
from carnet_common.outbox import Outbox
from carnet_common.rpc import ServiceRpc
from carnet_opportunities import models
from carnet_opportunities.dashboard.entrypoints import DashboardEntrypoints
from carnet_opportunities.merges.entrypoints import MergesEntrypoints
from carnet_opportunities.opportunities.entrypoints import OpportunitiesEntrypoints
from carnet_opportunities.readmodel.entrypoints import ReadModelEntrypoints
from carnet_opportunities.tasks.entrypoints import TasksEntrypoints
from carnet_opportunities.tasks.invitations import InvitationSettingsProvider
from carnet_opportunities.tasks.mailer import Mailer

SERVICE = "opportunities"
CONTACTS_TIMEOUT = 3  # seconds


class OpportunitiesService(OpportunitiesEntrypoints, TasksEntrypoints, DashboardEntrypoints, ReadModelEntrypoints,
                           MergesEntrypoints, OpsEndpoints):
    name = SERVICE

    db = Database()
    outbox = Outbox(models.outbox)
    inbox = Inbox(models.inbox, models.inbox_failures)
    mailer = Mailer()
    invitation_settings = InvitationSettingsProvider()
    call_metrics = Metrics()
    request_context = RequestContext()
    contacts = ServiceRpc("contacts", timeout=CONTACTS_TIMEOUT)

    @timer(interval=0.25)
    def relay_outbox(self):
        self.outbox.relay()
