"""RPC contracts of tasks (T-1, T-2) and invitations (T-3); ``TaskActor`` is also the dashboard's caller. The
gateway keeps its own copy for HTTP (``carnet_gateway/schemas/tasks.py``); both must accept the same fields."""
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import ValidationError, fields, validate, validates

from carnet_common.contracts import Contract, identifier, text

TYPES = ("call", "email", "meeting", "note", "todo")
STATUSES = ("todo", "in_progress", "done")
RECIPIENTS = ("assignee", "contact")


class AwareDateTime(fields.Field):
    """ISO 8601 with an explicit offset (``2025-03-10T10:00:00-04:00`` or ``…Z``), kept as aware UTC
    datetime: a time without an offset is ambiguous (N-6), so it is refused rather than guessed."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not 10 <= len(value) <= 40:
            raise ValidationError("task_datetime_with_offset")
        try:
            parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            raise ValidationError("task_datetime_with_offset") from None
        if parsed.tzinfo is None or parsed.utcoffset() is None or not 1900 <= parsed.year <= 9999:
            raise ValidationError("task_datetime_with_offset")
        return parsed.astimezone(ZoneInfo("UTC"))

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if value is not None else None


def _task_fields():
    return {
        "type": fields.String(validate=validate.OneOf(TYPES, error="task_type_unknown")),
        "status": fields.String(validate=validate.OneOf(STATUSES, error="task_status_unknown")),
        "title": text(max_length=300),
        "description": text(allow_none=True, min_length=0, max_length=20_000),
        "due_at": AwareDateTime(allow_none=True),
        "assignee_id": identifier(),
        "contact_id": identifier(allow_none=True),
        "account_id": identifier(allow_none=True),
        "opportunity_id": identifier(allow_none=True),
    }


TaskUpdate = type("TaskUpdate", (Contract,), _task_fields())
TaskCreate = type("TaskCreate", (Contract,), {
    **_task_fields(),
    "type": fields.String(required=True, validate=validate.OneOf(TYPES, error="task_type_unknown")),
    "title": text(required=True, max_length=300)})


class TaskQuery(Contract):
    view = fields.String(validate=validate.OneOf(("list", "board")))
    assignee_id = identifier()
    contact_id = identifier()
    account_id = identifier()
    opportunity_id = identifier()
    due_before = AwareDateTime()
    status = fields.String(validate=validate.OneOf(STATUSES, error="task_status_unknown"))
    type = fields.String(validate=validate.OneOf(TYPES, error="task_type_unknown"))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class Recipient(Contract):
    """The assignee's address, resolved by the gateway from identity at request time."""
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(allow_none=True, max_length=200)
    language = fields.String(load_default="fr", validate=validate.Length(min=2, max=10))


class InvitationCreate(Contract):
    to = fields.String(required=True, validate=validate.OneOf(RECIPIENTS, error="task_invitation_to_unknown"))
    idempotency_key = fields.String(validate=validate.Length(min=1, max=200))
    recipient = fields.Nested(Recipient, allow_none=True)


class Flags(Contract):
    all_contacts = fields.Boolean(load_default=False)
    hierarchy_contacts = fields.Boolean(load_default=False)
    own_records_only = fields.Boolean(load_default=False)


class TaskActor(Contract):
    """The caller as the gateway verified it: flags and subordinates (S-4, S-5), the accessible selected
    lists (C-2) and the organization's time zone (N-6)."""
    org_id = fields.String(required=True)
    user_id = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    request_id = fields.String(allow_none=True)
    flags = fields.Nested(Flags, load_default=dict)
    subordinate_ids = fields.List(fields.String(), load_default=list)
    list_ids = fields.List(fields.String(), load_default=list)
    timezone = fields.String(load_default="America/Toronto")
    language = fields.String(load_default="fr")

    @validates("timezone")
    def _known_zone(self, value, **kwargs):
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError("task_timezone_unknown") from None
