"""The opportunities nameko service: parse → use case → dump. Entrypoints live in one mixin per area."""
from nameko.dependency_providers import Config
from nameko.timer import timer

from carnet_common.context import RequestContext
from carnet_common.db import Database
from carnet_common.entrypoints import OpsEndpoints
from carnet_common.inbox import Inbox
from carnet_common.metrics import Metrics
from carnet_common.outbox import Outbox
from carnet_opportunities import models
from carnet_opportunities.custom_field_rpc import CustomFieldsRpc
from carnet_opportunities.export_jobs import ExportRpc
from carnet_opportunities.opportunities import OpportunitiesRpc
from carnet_opportunities.readmodel import ReadModelHandlers
from carnet_opportunities.tasks import TasksRpc

SERVICE = "opportunities"


class OpportunitiesService(OpportunitiesRpc, TasksRpc, CustomFieldsRpc, ExportRpc, ReadModelHandlers, OpsEndpoints):
    name = SERVICE

    db = Database()
    config = Config()
    outbox = Outbox(models.outbox)
    inbox = Inbox(models.inbox, models.inbox_failures)
    call_metrics = Metrics()
    request_context = RequestContext()

    @timer(interval=0.25)
    def relay_outbox(self):
        self.outbox.relay()
