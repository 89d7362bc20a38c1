"""RFC 5545 calendar invitations for tasks (T-3), built without I/O.

The event's UID is derived from the task id alone, so every invitation for a task names the same event and
a calendar updates it in place; SEQUENCE is the task's ``version`` (it moves with every change), which
calendars require to grow for an update to win. A deleted task's event is withdrawn with METHOD:CANCEL and
STATUS:CANCELLED under the same UID, with a SEQUENCE above the last REQUEST's (RFC 5546 §3.2.5).
DTSTART is written in the organization's time zone with its VTIMEZONE (N-6), so the event shows at the right
wall-clock time on both sides of a DST change.
"""
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Carnet CRM//Tasks//EN"
DURATION = timedelta(minutes=30)
METHODS = ("REQUEST", "CANCEL")


def task_uid(task_id):
    return f"task-{task_id}@carnet"


def invitation(*, task, sequence, tz_name, organizer_email, attendee_email, attendee_name, stamp,
               method="REQUEST"):
    """The .ics bytes of ``task`` (dict with id, title, description, due_at UTC): METHOD:REQUEST invites,
    METHOD:CANCEL withdraws the same event."""
    if method not in METHODS:
        raise ValueError(method)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", task_uid(task["id"]))
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    if task["due_at"] is not None or method == "REQUEST":  # a CANCEL may name a task whose time was cleared
        start = task["due_at"].astimezone(ZoneInfo(tz_name))
        event.add("dtstart", start)
        event.add("dtend", start + DURATION)
    event.add("summary", task["title"])
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    if task.get("description"):
        event.add("description", task["description"])
    organizer = vCalAddress(f"mailto:{organizer_email}")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    if method == "REQUEST":
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
    if attendee_name:
        attendee.params["cn"] = vText(attendee_name)
    event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
