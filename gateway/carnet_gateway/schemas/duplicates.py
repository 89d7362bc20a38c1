"""HTTP shapes of duplicates (C-20): the review queue's page, the check's answer and the scan's state. The bodies and
the query routes load and forward are ``carnet_contracts.duplicates``'."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract
from carnet_contracts.duplicates import REASONS
from carnet_contracts.duplicates import AccountCandidate as AccountCandidate
from carnet_contracts.duplicates import ContactCandidate as ContactCandidate
from carnet_contracts.duplicates import PairBody as PairBody
from carnet_contracts.duplicates import QueueQuery as QueueQuery
from carnet_gateway.schemas import contacts as records
from carnet_gateway.schemas import page_of

SCORE = fields.Integer(metadata={"description": "0 to 100: 50 for the names' similarity (25 without a name), 45 the "
                                               "same email, 30 the same phone, 10 the same company domain, 10 the "
                                               "same city; pairs from `DUPLICATES_MIN_SCORE` (70)."})
REASON_LIST = fields.List(fields.String(validate=validate.OneOf(REASONS)), metadata={
    "description": "What matched, highest weight first; a reason whose fields the caller may not read is left out "
                   "(S-3)."})


def _pair(read, name):
    return type(name, (Contract,), {
        "a": fields.Nested(read), "b": fields.Nested(read), "score": SCORE, "reasons": REASON_LIST,
        "found_at": fields.String()})


def _match(read, name):
    return type(name, (Contract,), {
        "id": fields.String(), "score": SCORE, "reasons": REASON_LIST, "record": fields.Nested(read)})


ContactPair = _pair(records.ContactRead, "ContactDuplicatePair")
AccountPair = _pair(records.AccountRead, "AccountDuplicatePair")
ContactPairPage = page_of(ContactPair, "ContactDuplicatePage")
AccountPairPage = page_of(AccountPair, "AccountDuplicatePage")
ContactCheck = type("ContactDuplicateCheck", (Contract,), {
    "items": fields.List(fields.Nested(_match(records.ContactRead, "ContactDuplicateMatch")))})
AccountCheck = type("AccountDuplicateCheck", (Contract,), {
    "items": fields.List(fields.Nested(_match(records.AccountRead, "AccountDuplicateMatch")))})


class ScanResult(Contract):
    records = fields.Integer()
    candidate_pairs = fields.Integer(metadata={"description": "Pairs sharing a blocking key, scored."})
    pairs = fields.Integer(metadata={"description": "Pairs scoring at least the threshold, in the queue."})
    dropped = fields.Integer(metadata={"description": "Open pairs of the previous scans no longer found."})
    keys_seconds = fields.Float()
    pairs_seconds = fields.Float()
    seconds = fields.Float()


class ScanState(Contract):
    status = fields.String(validate=validate.OneOf(("never", "requested", "done")), metadata={
        "description": "`requested` until the service's scan has run (seconds to minutes), then `done`."})
    requested_at = fields.String(allow_none=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    result = fields.Nested(ScanResult, allow_none=True)
