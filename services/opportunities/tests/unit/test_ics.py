"""The .ics of a task invitation (T-3), parsed back with icalendar."""
from datetime import datetime, timezone

from icalendar import Calendar

from carnet_opportunities.tasks import ics

TASK = {"id": "t1", "title": "Rappel Tremblay", "description": "Devis", "due_at":
        datetime(2025, 3, 10, 14, 0, tzinfo=timezone.utc)}


def _event(sequence=1, zone="America/Toronto"):
    raw = ics.invitation(task=TASK, sequence=sequence, tz_name=zone, organizer_email="crm@example.test",
                         attendee_email="luc@example.test", attendee_name="Luc Émond",
                         stamp=datetime(2025, 3, 1, tzinfo=timezone.utc))
    calendar = Calendar.from_ical(raw)
    return calendar, calendar.walk("VEVENT")[0]


def test_invitation_is_a_request_in_the_organization_time_zone():
    calendar, event = _event()
    assert calendar["METHOD"] == "REQUEST"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/Toronto"
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Toronto" and (start.hour, start.minute) == (10, 0)  # EDT since 9 March
    assert start == TASK["due_at"]
    assert str(event["ATTENDEE"]) == "mailto:luc@example.test"


def test_uid_is_stable_per_task_and_sequence_is_the_version():
    _, first = _event(sequence=1)
    _, second = _event(sequence=2)
    assert first["UID"] == second["UID"] == "task-t1@carnet"
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (1, 2)
