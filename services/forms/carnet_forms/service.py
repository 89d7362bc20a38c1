"""The forms nameko service: its dependencies, the entrypoints of each area (``<area>/entrypoints.py``: parse → use
case → dump) and the outbox relay (docs/conventions.md, "Layout of a service").

``contacts`` is the proxy to the contacts service (the custom fields a form may hold, C-14; a target list checked
when a form is saved). ``redis`` holds single-use render tokens (F-4)."""
from nameko.timer import timer

from carnet_common.context import RequestContext
from carnet_common.db import Database
from carnet_common.entrypoints import OpsEndpoints
from carnet_common.inbox import Inbox
from carnet_common.mailer import Mailer
from carnet_common.metrics import Metrics
from carnet_common.outbox import Outbox
from carnet_common.redis_provider import Redis
from carnet_common.rpc import ServiceRpc
from carnet_forms import models
from carnet_forms.builder.entrypoints import BuilderEntrypoints
from carnet_forms.effects.entrypoints import EffectsEntrypoints
from carnet_forms.intake.captcha import Captcha
from carnet_forms.intake.entrypoints import IntakeEntrypoints

SERVICE = "forms"
CONTACTS_TIMEOUT = 3  # seconds


class FormsService(BuilderEntrypoints, IntakeEntrypoints, EffectsEntrypoints, OpsEndpoints):
    name = SERVICE

    db = Database()
    outbox = Outbox(models.outbox)
    inbox = Inbox(models.inbox, models.inbox_failures)
    call_metrics = Metrics()
    request_context = RequestContext()
    redis = Redis()
    mailer = Mailer()
    contacts = ServiceRpc("contacts", timeout=CONTACTS_TIMEOUT)
    captcha = Captcha()

    @timer(interval=0.25)
    def relay_outbox(self):
        self.outbox.relay()
