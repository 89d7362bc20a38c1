"""HTTP contracts of tasks (T-1, T-2), invitations (T-3) and the dashboard (D-1).

The opportunities service validates again with its own copy (``carnet_opportunities/tasks/contracts.py``);
both accept the same fields with the same rules. Dates and times stay the client's strings here (checked,
not converted): the service parses them.
"""
from datetime import date, datetime

from marshmallow import ValidationError, fields, validate

from carnet_common.contracts import Contract, identifier, text

TYPES = ("call", "email", "meeting", "note", "todo")
STATUSES = ("todo", "in_progress", "done")
RECIPIENTS = ("assignee", "contact")


class AwareDateTimeText(fields.String):
    """ISO 8601 with an explicit offset (``2025-03-10T10:00:00-04:00``, ``…Z``): a time without one is
    ambiguous (N-6), refused rather than guessed."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            parsed = datetime.fromisoformat(value) if 10 <= len(value) <= 40 else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None or not 1900 <= parsed.year <= 9999:
            raise ValidationError("task_datetime_with_offset")
        return value


class DateText(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValidationError("Not a valid date.") from None
        if len(value) != 10:
            raise ValidationError("Not a valid date.")
        return value


def _task_fields():
    return {
        "type": fields.String(validate=validate.OneOf(TYPES, error="task_type_unknown"),
                              metadata={"description": "call, email, meeting, note (C-22) or todo"}),
        "status": fields.String(validate=validate.OneOf(STATUSES, error="task_status_unknown"),
                                metadata={"description": "todo, in_progress or done: the board's column"}),
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


TaskUpdate = type("TaskUpdate", (Contract,), _task_fields())
TaskCreate = type("TaskCreate", (Contract,), {
    **_task_fields(),
    "type": fields.String(required=True, validate=validate.OneOf(TYPES, error="task_type_unknown")),
    "title": text(required=True, max_length=300)})


class TaskRead(Contract):
    id = fields.String()
    type = fields.String()
    status = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True, metadata={"description": "In the organization's time zone."})
    assignee_id = fields.String()
    created_by = fields.String()
    contact_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    opportunity_id = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()


class TaskQuery(Contract):
    assignee_id = identifier()
    contact_id = identifier()
    account_id = identifier()
    opportunity_id = identifier()
    due_before = AwareDateTimeText()
    status = fields.String(validate=validate.OneOf(STATUSES, error="task_status_unknown"))
    type = fields.String(validate=validate.OneOf(TYPES, error="task_type_unknown"))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class TaskBoardQuery(TaskQuery):
    """The list's filters; ``status`` keeps one column, ``page`` and ``per_page`` page every column."""
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200),
                              metadata={"description": "Tasks per column."})


class TaskColumn(Contract):
    status = fields.String()
    total = fields.Integer(metadata={"description": "Exact up to 500; then 500 with total_capped true"})
    total_capped = fields.Boolean(metadata={"description": "More tasks than total (show \"500+\")"})
    items = fields.List(fields.Nested(TaskRead))


class TaskListRead(Contract):
    """A page of tasks, soonest due first."""
    items = fields.List(fields.Nested(TaskRead))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class TaskBoardRead(Contract):
    view = fields.String(metadata={"example": "board"})
    columns = fields.List(fields.Nested(TaskColumn))


class InvitationCreate(Contract):
    to = fields.String(required=True, validate=validate.OneOf(RECIPIENTS, error="task_invitation_to_unknown"))
    idempotency_key = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "Optional: the same key for the same task returns the first invitation, never a second email."})


class InvitationRead(Contract):
    id = fields.String()
    task_id = fields.String()
    to = fields.String()
    email = fields.String()
    status = fields.String(metadata={"description": "pending, sending, sent, failed or unknown"})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.String()
    sent_at = fields.String(allow_none=True)


# ``from`` is a Python keyword: these two schemas are built with ``type`` to use the names of the contract.
DashboardQuery = type("DashboardQuery", (Contract,), {
    "from": DateText(metadata={"description": "YYYY-MM-DD; default 1 January"}),
    "to": DateText(metadata={"description": "YYYY-MM-DD; default today"}),
    "user_id": identifier(metadata={"description": "Administrators, or hierarchy users for those below them."})})


class PipelineRow(Contract):
    stage_id = fields.String()
    label = fields.String()
    probability = fields.Integer()
    count = fields.Integer()
    total = fields.String(metadata={"example": "1200.00"})
    weighted_total = fields.String(metadata={"example": "480.00"})


class Transactions(Contract):
    count = fields.Integer()
    total = fields.String()


DashboardRead = type("DashboardRead", (Contract,), {
    "pipeline": fields.List(fields.Nested(PipelineRow)),
    "transactions": fields.Dict(keys=fields.String(), values=fields.Nested(Transactions),
                                metadata={"description": "won (100 %) and lost (0 %) by close date in the period"}),
    "activities": fields.Dict(keys=fields.String(), values=fields.Integer(),
                              metadata={"description": "Tasks created in the period, by type"}),
    "user_id": fields.String(allow_none=True),
    "from": fields.String(),
    "to": fields.String()})
