"""A summary of each opportunity (opportunities area of issue 5, C-12): fed by the opportunities events through
the Inbox (once per event), newest ``version`` wins; a delete is kept as a tombstone so a late update cannot
bring it back (a restored opportunity comes back with a newer version). The action criteria
``opportunity.stage_id`` and ``opportunity.total`` read it (criteria.py), counting only the opportunities the
caller could see in the opportunities service (summary_visibility.py): for ``own_records_only`` (S-4), those
whose rep 1 or rep 2 they are. The reps come from the event's opportunity (``rep1_id``, ``rep2_id``); an event
without them leaves the opportunity nobody's, which a limited caller does not count.
"""
from decimal import Decimal

from nameko.events import event_handler
from sqlalchemy.dialects.postgresql import insert

from carnet_contacts.models import opportunity_summaries

SOURCE = "opportunities"


def apply_upsert(session, data):
    o = data["opportunity"]
    values = {"org_id": data["org_id"], "account_id": o["account_id"], "contact_id": o.get("contact_id"),
              "stage_id": o["stage_id"], "probability": o["probability"], "total": Decimal(o["total"]),
              "rep1_id": o.get("rep1_id"), "rep2_id": o.get("rep2_id"), "version": o["version"], "deleted": False}
    table = opportunity_summaries
    session.execute(insert(table).values(id=o["id"], **values).on_conflict_do_update(
        index_elements=[table.c.id], set_=values, where=table.c.version < o["version"]))


def apply_deleted(session, data):
    table = opportunity_summaries
    version = data.get("version") or 0
    values = {"org_id": data["org_id"], "account_id": data["account_id"], "contact_id": data.get("contact_id"),
              "stage_id": "", "probability": 0, "total": Decimal(0), "version": version, "deleted": True}
    session.execute(insert(table).values(id=data["opportunity_id"], **values).on_conflict_do_update(
        index_elements=[table.c.id], set_={"deleted": True, "version": version}, where=table.c.version <= version))


class OpportunitySummaryHandlers:
    """Mixed into ContactsService (which provides ``inbox``)."""

    @event_handler(SOURCE, "opportunity_created", requeue_on_error=True)
    def on_opportunity_created(self, envelope):
        self.inbox.handle(envelope, apply_upsert)

    @event_handler(SOURCE, "opportunity_updated", requeue_on_error=True)
    def on_opportunity_updated(self, envelope):
        self.inbox.handle(envelope, apply_upsert)

    @event_handler(SOURCE, "opportunity_deleted", requeue_on_error=True)
    def on_opportunity_deleted(self, envelope):
        self.inbox.handle(envelope, apply_deleted)
