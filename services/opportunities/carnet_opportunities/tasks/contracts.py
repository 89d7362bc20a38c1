"""RPC contracts of tasks (T-1, T-2) and invitations (T-3): what the gateway loads and forwards is declared once
for both sides in ``carnet_contracts.tasks`` (as this service loads it: due times as aware UTC datetimes, with the
view and the recipient the gateway adds), the caller (``TaskActor``, also the dashboard's) in
``carnet_contracts.actors``; the names here are those the entrypoints and use cases use."""
from carnet_contracts import actors, tasks

TYPES, STATUSES = tasks.TYPES, tasks.STATUSES

TaskActor = actors.TasksActor
TaskCreate = tasks.ParsedTaskCreate
TaskUpdate = tasks.ParsedTaskUpdate
TaskQuery = tasks.ParsedTaskQuery
InvitationCreate = tasks.InvitationWithRecipient
