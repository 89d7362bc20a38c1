"""Tasks (T-1, T-2, C-22) and their invitations (T-3): what ``/api/v1`` takes, and the same contracts as the
opportunities service loads them (``Parsed*``: due times as aware UTC datetimes; with what the gateway adds
before forwarding: the ``view`` of a list, the resolved ``recipient`` of an invitation)."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract, identifier, text
from carnet_contracts.values import AwareDateTimeText, Parsed, page_field, per_page_field

TYPES = ("call", "email", "meeting", "note", "todo")
STATUSES = ("todo", "in_progress", "done")
RECIPIENTS = ("assignee", "contact")
VIEWS = ("list", "board")


def _type(**kwargs):
    return fields.String(validate=validate.OneOf(TYPES, error="task_type_unknown"), **kwargs)


def _status(**kwargs):
    return fields.String(validate=validate.OneOf(STATUSES, error="task_status_unknown"), **kwargs)


def _task_fields():
    return {
        "type": _type(metadata={"description": "call, email, meeting, note (C-22) or todo"}),
        "status": _status(metadata={"description": "todo, in_progress or done: the board's column"}),
        "title": text(max_length=300),
        "description": text(allow_none=True, min_length=0, max_length=20_000),
        "due_at": AwareDateTimeText(allow_none=True, metadata={
            "description": "ISO 8601 with an offset; stored in UTC, returned in the organization's time zone",
            "example": "2025-03-10T10:00:00-04:00"}),
        "assignee_id": identifier(metadata={"description": "A user of the organization; defaults to the creator."}),
        "contact_id": identifier(allow_none=True),
        "account_id": identifier(allow_none=True),
        "opportunity_id": identifier(allow_none=True),
    }


TaskUpdate = type("TaskUpdate", (Contract,), {"__module__": __name__, **_task_fields()})
TaskCreate = type("TaskCreate", (Contract,), {
    "__module__": __name__, **_task_fields(), "type": _type(required=True),
    "title": text(required=True, max_length=300)})


class TaskQuery(Contract):
    assignee_id = identifier()
    contact_id = identifier()
    account_id = identifier()
    opportunity_id = identifier()
    due_before = AwareDateTimeText()
    status = _status()
    type = _type()
    page = page_field()
    per_page = per_page_field()


class TaskBoardQuery(TaskQuery):
    """The list's filters; ``status`` keeps one column, ``page`` and ``per_page`` page every column."""
    per_page = per_page_field({"description": "Tasks per column."})


class InvitationCreate(Contract):
    to = fields.String(required=True, validate=validate.OneOf(RECIPIENTS, error="task_invitation_to_unknown"))
    idempotency_key = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "Optional: the same key for the same task returns the first invitation, never a second email."})


# As the opportunities service loads them ------------------------------------------------------------------------

class ParsedTaskCreate(Parsed, TaskCreate):
    pass


class ParsedTaskUpdate(Parsed, TaskUpdate):
    pass


class ParsedTaskQuery(Parsed, TaskQuery):
    """With the view the gateway asks for: ``board`` from ``GET /tasks/board`` (T-2), else the list."""
    view = fields.String(validate=validate.OneOf(VIEWS))


class Recipient(Contract):
    """The assignee's address, resolved by the gateway from identity at request time."""
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(allow_none=True, max_length=200)
    language = fields.String(load_default="fr", validate=validate.Length(min=2, max=10))


class InvitationWithRecipient(InvitationCreate):
    """With the assignee's address the gateway adds to an invitation ``to`` the assignee."""
    recipient = fields.Nested(Recipient, allow_none=True)
