"""Task input rules (T-1): due times need an offset, types and statuses are closed sets."""
from datetime import datetime, timedelta, timezone

import pytest
from marshmallow import ValidationError

from carnet_opportunities.dashboard import usecases as dashboard
from carnet_opportunities.tasks import invitations
from carnet_opportunities.tasks.contracts import TaskCreate, TaskUpdate


def test_due_at_with_offset_is_stored_in_utc():
    data = TaskCreate().load({"type": "call", "title": "x", "due_at": "2025-03-10T10:00:00-04:00"})
    assert data["due_at"] == datetime(2025, 3, 10, 14, tzinfo=timezone.utc)


@pytest.mark.parametrize("value", ["2025-03-10T10:00:00", "10/03/2025 10:00", "2025-13-01T00:00:00Z", 12, ""])
def test_due_at_without_offset_or_malformed_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        TaskCreate().load({"type": "call", "title": "x", "due_at": value})
    assert exc.value.messages == {"due_at": ["task_datetime_with_offset"]}


def test_unknown_type_and_status_are_refused():
    with pytest.raises(ValidationError) as exc:
        TaskUpdate().load({"type": "fax", "status": "blocked"})
    assert exc.value.messages == {"type": ["task_type_unknown"], "status": ["task_status_unknown"]}


def test_backoff_doubles_and_is_capped():
    settings = invitations.InvitationSettings(max_attempts=5, retry_base=timedelta(seconds=1),
                                                  retry_max=timedelta(seconds=5), stalled_after=timedelta(60))
    assert [invitations.backoff(settings, n).seconds for n in (1, 2, 3, 4)] == [1, 2, 4, 5]


def test_dashboard_user_filter_rules():
    from carnet_common.errors import Forbidden
    me = {"user_id": "u1", "is_admin": False, "flags": {}, "subordinate_ids": ["u2"]}
    assert dashboard._user_filter(me, None) is None
    assert dashboard._user_filter(me, "u1") == "u1"
    with pytest.raises(Forbidden):
        dashboard._user_filter(me, "u2")  # subordinates only with hierarchy_contacts
    assert dashboard._user_filter({**me, "flags": {"hierarchy_contacts": True}}, "u2") == "u2"
    assert dashboard._user_filter({**me, "is_admin": True}, "u9") == "u9"
    limited = {**me, "flags": {"own_records_only": True}}
    assert dashboard._user_filter(limited, None) == "u1"
    with pytest.raises(Forbidden):
        dashboard._user_filter(limited, "u2")
