"""Tasks, invitations and the dashboard (T-1..T-3, D-1, N-6): the gateway keeps the client's times and dates, the
service takes the same declaration parsed, with what the gateway adds before forwarding."""
from datetime import UTC, date, datetime

import pytest
from marshmallow import ValidationError

from carnet_contracts import dashboard, tasks


def messages(schema, body):
    with pytest.raises(ValidationError) as refused:
        schema.load(body)
    return refused.value.messages


def test_a_due_time_stays_text_at_the_gateway_and_is_utc_at_the_service():
    body = {"type": "call", "title": "x", "due_at": "2025-03-10T10:00:00-04:00"}
    assert tasks.TaskCreate().load(body) == body
    assert tasks.ParsedTaskCreate().load(body)["due_at"] == datetime(2025, 3, 10, 14, tzinfo=UTC)
    assert tasks.ParsedTaskUpdate().load({"due_at": None}) == {"due_at": None}


@pytest.mark.parametrize("contract", [tasks.TaskUpdate, tasks.ParsedTaskUpdate])
def test_types_and_statuses_are_closed_sets(contract):
    assert messages(contract(), {"type": "fax", "status": "blocked"}) == {
        "type": ["task_type_unknown"], "status": ["task_status_unknown"]}


def test_the_service_takes_the_view_the_gateway_asks_for_and_no_other():
    query = {"due_before": "2025-03-10T10:00:00Z", "status": "done"}
    assert tasks.ParsedTaskQuery().load({**query, "view": "board"}) == {
        "due_before": datetime(2025, 3, 10, 10, tzinfo=UTC), "status": "done", "view": "board", "page": 1,
        "per_page": 50}
    assert messages(tasks.ParsedTaskQuery(), {"view": "calendar"}) == {"view": ["Must be one of: list, board."]}
    assert messages(tasks.TaskQuery(), {"view": "board"}) == {"view": ["Unknown field."]}
    assert tasks.TaskBoardQuery().load({"per_page": "20"}) == {"page": 1, "per_page": 20}


def test_an_invitation_carries_the_recipient_the_gateway_resolved():
    recipient = {"email": "marie@example.com", "name": "Marie"}
    assert tasks.InvitationWithRecipient().load({"to": "assignee", "recipient": recipient}) == {
        "to": "assignee", "recipient": {**recipient, "language": "fr"}}
    assert messages(tasks.InvitationCreate(), {"to": "assignee", "recipient": recipient}) == {
        "recipient": ["Unknown field."]}
    assert messages(tasks.InvitationCreate(), {"to": "everyone"}) == {"to": ["task_invitation_to_unknown"]}


def test_the_dashboard_period_is_text_at_the_gateway_and_dates_at_the_service():
    query = {"from": "2025-01-01", "to": "2025-12-31", "user_id": "u1"}
    assert dashboard.DashboardQuery().load(query) == query
    assert dashboard.DashboardPeriod().load(query) == {
        "date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31), "user_id": "u1"}
    assert dashboard.DashboardPeriod().load({}) == {}
    assert messages(dashboard.DashboardPeriod(), {"from": "2025-13-01"}) == {"from": ["date_format"]}
