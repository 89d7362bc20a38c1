"""The campaigns nameko service: its dependencies, the entrypoints of each area (``<area>/entrypoints.py``: parse →
use case → dump) and the outbox relay (docs/conventions.md, "Layout of a service").

``contacts`` is the proxy to the contacts service whose calls wait at most ``CONTACTS_TIMEOUT`` seconds: a contact
missing from the read model is confirmed there before a 404 (a record a client was just given exists).
``redis`` holds the tracking hits the gateway queues (E-9) and the sender's rate limits (E-10)."""
from nameko.timer import timer

from carnet_campaigns import models
from carnet_campaigns.audience.entrypoints import AudienceEntrypoints
from carnet_campaigns.campaigns.entrypoints import CampaignsEntrypoints
from carnet_campaigns.content.entrypoints import ContentEntrypoints
from carnet_campaigns.domains.entrypoints import DomainsEntrypoints
from carnet_campaigns.engagement.entrypoints import EngagementEntrypoints
from carnet_campaigns.sending.entrypoints import SendingEntrypoints
from carnet_campaigns.sending.provider import Sender
from carnet_common.context import RequestContext
from carnet_common.db import Database
from carnet_common.entrypoints import OpsEndpoints
from carnet_common.inbox import Inbox
from carnet_common.metrics import Metrics
from carnet_common.outbox import Outbox
from carnet_common.redis_provider import Redis
from carnet_common.rpc import ServiceRpc

SERVICE = "campaigns"
CONTACTS_TIMEOUT = 3  # seconds


class CampaignsService(AudienceEntrypoints, ContentEntrypoints, DomainsEntrypoints, CampaignsEntrypoints,
                       SendingEntrypoints, EngagementEntrypoints, OpsEndpoints):
    name = SERVICE

    db = Database()
    outbox = Outbox(models.outbox)
    inbox = Inbox(models.inbox, models.inbox_failures)
    call_metrics = Metrics()
    request_context = RequestContext()
    redis = Redis()
    contacts = ServiceRpc("contacts", timeout=CONTACTS_TIMEOUT)
    sender = Sender()

    @timer(interval=0.25)
    def relay_outbox(self):
        self.outbox.relay()
