"""HTTP shapes of tasks (T-1, T-2), invitations (T-3) and the dashboard (D-1): what the gateway answers. The
bodies and queries routes load and forward are ``carnet_contracts.tasks``' and ``carnet_contracts.dashboard``',
the contracts the opportunities service loads again (dates and times stay the client's text here, checked, not
converted: the service parses them)."""
from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_contracts.dashboard import DashboardQuery as DashboardQuery
from carnet_contracts.tasks import InvitationCreate as InvitationCreate
from carnet_contracts.tasks import TaskBoardQuery as TaskBoardQuery
from carnet_contracts.tasks import TaskCreate as TaskCreate
from carnet_contracts.tasks import TaskQuery as TaskQuery
from carnet_contracts.tasks import TaskUpdate as TaskUpdate


class TaskRead(Contract):
    """A task without the fields the caller's role may not read (S-3: a hidden field is absent)."""
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


class InvitationRead(Contract):
    id = fields.String()
    task_id = fields.String()
    to = fields.String()
    email = fields.String(allow_none=True, metadata={
        "description": "null when it is the contact's and the caller's role may not read `contacts.email` (S-3): "
                       "the contact was invited, the address is not shown (`email_hidden`)"})
    email_hidden = fields.Boolean(metadata={"description": "true when `email` is left out (S-3)"})
    status = fields.String(metadata={"description": "pending, sending, sent, failed or unknown"})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.String()
    sent_at = fields.String(allow_none=True)


class InvitationRequested(InvitationRead):
    """The answer to a request to invite."""
    duplicate = fields.Boolean(metadata={
        "description": "true when this address already has an invitation to this version of the task (pending or "
                       "sent): nothing more is sent, the invitation shown is that one (one send per address and "
                       "task version; change the task to send it again)"})


class PipelineRow(Contract):
    stage_id = fields.String()
    label = fields.String()
    probability = fields.Integer()
    count = fields.Integer()
    total = fields.String(metadata={"example": "1200.00",
                                    "description": "Absent when the caller may not read opportunities.total (S-3)"})
    weighted_total = fields.String(metadata={"example": "480.00", "description": "Absent as total is"})


class Transactions(Contract):
    count = fields.Integer()
    total = fields.String(metadata={"description": "Absent when the caller may not read opportunities.total (S-3)"})


# ``from`` is a Python keyword: built with ``type`` to use the names of the contract.
# A figure built from a field the caller may not read is absent (S-3).
DashboardRead = type("DashboardRead", (Contract,), {
    "pipeline": fields.List(fields.Nested(PipelineRow), metadata={
        "description": "Absent when the caller may not read opportunities.stage_id"}),
    "transactions": fields.Dict(keys=fields.String(), values=fields.Nested(Transactions), metadata={
        "description": "won (100 %) and lost (0 %) by close date in the period; absent when the caller may not "
                       "read opportunities.stage_id or close_date"}),
    "activities": fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Tasks created in the period, by type; absent when the caller may not read tasks.type"}),
    "user_id": fields.String(allow_none=True),
    "from": fields.String(),
    "to": fields.String()})
