"""The contacts nameko service: its name, its dependency providers, the entrypoints of each area (mixins, one per
area package: ``<area>/entrypoints.py``) and the outbox relay, nothing else (shape of every service: each area's
entrypoints parse → call its use cases → return; use cases hold the rules; repositories alone build SQL).

Collaborators are providers here and passed in by the entrypoints, never built by a use case: the database
session (``db``), the outbox and inbox handles (events written with the request id, handled once), and the proxy
to the opportunities service, whose calls wait at most ``OPPORTUNITIES_TIMEOUT`` seconds (nameko's own proxy
waits for ever, docs/stack-facts.md): the delete preview (C-10) then says ``dependents_unavailable`` rather than wait.
"""
from nameko.timer import timer

from carnet_common.context import RequestContext
from carnet_common.db import Database
from carnet_common.entrypoints import OpsEndpoints
from carnet_common.inbox import Inbox
from carnet_common.metrics import Metrics
from carnet_common.outbox import Outbox
from carnet_common.rpc import ServiceRpc
from carnet_contacts import models
from carnet_contacts.automations.entrypoints import AutomationsRpc
from carnet_contacts.customization.entrypoints import CustomizationRpc
from carnet_contacts.documents.entrypoints import DocumentsRpc
from carnet_contacts.duplicates.entrypoints import DuplicatesRpc
from carnet_contacts.enrichment.entrypoints import EnrichmentRpc
from carnet_contacts.exports.entrypoints import ExportRpc
from carnet_contacts.form_submissions.entrypoints import FormSubmissionsHandlers
from carnet_contacts.imports.entrypoints import ImportsRpc
from carnet_contacts.lifecycle.entrypoints import LifecycleRpc
from carnet_contacts.lists.entrypoints import ListsRpc
from carnet_contacts.merges.entrypoints import MergesRpc
from carnet_contacts.readmodels.entrypoints import ReadModelHandlers
from carnet_contacts.records.entrypoints import RecordsRpc
from carnet_contacts.references.entrypoints import ReferencesRpc
from carnet_contacts.unsubscribes.entrypoints import UnsubscribesHandlers

SERVICE = "contacts"
OPPORTUNITIES_TIMEOUT = 3  # seconds


class ContactsService(ListsRpc, RecordsRpc, CustomizationRpc, LifecycleRpc, ExportRpc, ImportsRpc, DuplicatesRpc,
                      MergesRpc, EnrichmentRpc, DocumentsRpc, AutomationsRpc, ReadModelHandlers, ReferencesRpc,
                      UnsubscribesHandlers, FormSubmissionsHandlers, OpsEndpoints):
    name = SERVICE
    # The background jobs of every area (N-4: each area's job_work, job_checks, job_codes, job_reads) are gathered by
    # ``JobRpc`` (carnet_common/jobs.py) and run by its one runner.

    db = Database()
    outbox = Outbox(models.outbox)
    inbox = Inbox(models.inbox, models.inbox_failures)
    call_metrics = Metrics()
    request_context = RequestContext()
    opportunities = ServiceRpc("opportunities", timeout=OPPORTUNITIES_TIMEOUT)

    @timer(interval=0.25)
    def relay_outbox(self):
        self.outbox.relay()
