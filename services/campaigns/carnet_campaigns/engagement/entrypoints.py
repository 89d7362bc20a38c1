"""Entrypoints of the engagement area (E-7, E-9): parse (contracts) → use case → dump.

``unsubscribe`` and ``get_unsubscribe_target`` take no actor: the gateway serves them to the recipient, whose proof is
the link's signature (carnet_contracts.campaign_links), checked by the gateway before it calls. ``drain_tracking``
empties the Redis list the gateway queues hits on (carnet_contracts.engagement) in batches."""
import logging
import os
from datetime import datetime, timezone

from nameko.timer import timer

from carnet_campaigns.arguments import actor_of, path_id
from carnet_campaigns.engagement import usecases
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contracts import engagement as contracts

log = logging.getLogger(__name__)




def drain_batch():
    """Hits per transaction (``CAMPAIGNS_TRACKING_BATCH``)."""
    return max(1, int(os.environ.get("CAMPAIGNS_TRACKING_BATCH", "500")))


DRAIN_BUDGET_S = 2.0  # one tick drains at most this long, then lets the next tick go on


class EngagementEntrypoints:
    """Mixed into CampaignsService (``db``, ``outbox``, ``redis``, ``contacts``)."""

    @rpc_method
    def get_unsubscribe_target(self, recipient_id):
        with self.db.begin():
            return usecases.unsubscribe_target(self.db, recipient_id=path_id(recipient_id))

    @rpc_method
    def unsubscribe(self, recipient_id, source):
        with self.db.begin():
            return usecases.unsubscribe(self.db, outbox=self.outbox, recipient_id=path_id(recipient_id),
                                        source=source, now=datetime.now(timezone.utc))

    @rpc_method
    def get_campaign_report(self, actor, campaign_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.campaign_report(self.db, actor=actor, campaign_id=path_id(campaign_id))

    @rpc_method
    def list_campaign_recipients(self, actor, campaign_id, query):
        actor, query = actor_of(actor), load_or_raise(contracts.RecipientQuery(), query)
        with self.db.begin():
            return usecases.campaign_recipients(self.db, actor=actor, campaign_id=path_id(campaign_id), query=query)

    @rpc_method
    def list_contact_emails(self, actor, contact_id, query):
        actor, query = actor_of(actor), load_or_raise(contracts.ContactEmailQuery(), query)
        with self.db.begin():
            return usecases.contact_emails(self.db, contacts=self.contacts, actor=actor, contact_id=path_id(contact_id),
                                           query=query)

    @timer(interval=0.5)
    def drain_tracking(self):
        """Moves queued hits into ``recipient_events`` and the counters, a batch per transaction, for up to
        ``DRAIN_BUDGET_S``. A batch whose transaction fails is pushed back to the head of the list (retried next
        tick); several replicas drain the same list safely (LPOP is atomic)."""
        usecases.drain_hits(self.db, redis=self.redis, key=contracts.hits_key(), batch=drain_batch(),
                            budget=DRAIN_BUDGET_S)
