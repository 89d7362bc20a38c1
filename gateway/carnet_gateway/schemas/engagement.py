"""HTTP shapes of what recipients did (E-7, E-9): per-recipient report, a contact's e-mails."""
from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_contracts.engagement import RECIPIENT_STATES, ContactEmailQuery, RecipientQuery  # noqa: F401
from carnet_gateway.schemas import page_of

KINDS = ("campaign", "single")


class ReportTotals(Contract):
    recipients = fields.Integer(metadata={"description": "Recipients whose contact the caller sees now."})
    sent = fields.Integer()
    failed = fields.Integer()
    suppressed = fields.Integer(metadata={"description": "Not sent: on the suppression list at send time."})
    pending = fields.Integer(metadata={"description": "Queued, sending or waiting for a retry."})
    opened = fields.Integer(metadata={"description": "Recipients who opened (a person, bots left out; a click "
                                                     "counts as an open)."})
    clicked = fields.Integer()
    unsubscribed = fields.Integer()
    bounced = fields.Integer()
    opens = fields.Integer(metadata={"description": "Opens by people, all recipients together."})
    clicks = fields.Integer(metadata={"description": "Clicks by people, all recipients together."})
    bot_hits = fields.Integer(metadata={"description": "Opens and clicks flagged as bots or prefetchers: kept, "
                                                       "not counted."})


class ReportRates(Contract):
    open_rate = fields.Float(metadata={"description": "opened / sent"})
    click_rate = fields.Float(metadata={"description": "clicked / sent"})
    click_to_open_rate = fields.Float(metadata={"description": "clicked / opened"})
    unsubscribe_rate = fields.Float(metadata={"description": "unsubscribed / sent"})
    bounce_rate = fields.Float(metadata={"description": "bounced / (sent + failed)"})


class CampaignReport(Contract):
    campaign_id = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    name = fields.String()
    status = fields.String()
    subject = fields.String()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    totals = fields.Nested(ReportTotals)
    rates = fields.Nested(ReportRates)


class RecipientRead(Contract):
    id = fields.String()
    contact_id = fields.String(allow_none=True)
    email = fields.String()
    state = fields.String(metadata={"enum": list(RECIPIENT_STATES)})
    sent_at = fields.String(allow_none=True)
    opened_at = fields.String(allow_none=True, metadata={"description": "The first open (by a person)."})
    open_count = fields.Integer()
    clicked_at = fields.String(allow_none=True, metadata={"description": "The first click (by a person)."})
    click_count = fields.Integer()
    unsubscribed_at = fields.String(allow_none=True)
    bounced_at = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)


RecipientPage = page_of(RecipientRead, "RecipientPage")


class ContactEmailRead(Contract):
    campaign_id = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    name = fields.String()
    subject = fields.String()
    recipient_id = fields.String()
    email = fields.String()
    state = fields.String(metadata={"enum": list(RECIPIENT_STATES)})
    sent_at = fields.String(allow_none=True)
    opened = fields.Boolean()
    opened_at = fields.String(allow_none=True)
    open_count = fields.Integer()
    clicked = fields.Boolean()
    clicked_at = fields.String(allow_none=True)
    click_count = fields.Integer()
    unsubscribed_at = fields.String(allow_none=True)
    bounced_at = fields.String(allow_none=True)


ContactEmailPage = page_of(ContactEmailRead, "ContactEmailPage")
