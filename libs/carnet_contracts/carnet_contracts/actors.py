"""The caller each service receives, as the gateway verified it (``carnet_gateway/actors.py`` builds one shape per
contract here, named after it). Every org-scoped RPC takes it explicitly; unknown keys are refused, so a shape
carries exactly what its receiver declares (tests/contract/test_actor_contracts.py loads each shape into it)."""
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import ValidationError, fields, validate

from carnet_common.contracts import Contract

FLAGS = ("all_contacts", "hierarchy_contacts", "own_records_only")
LANGUAGES = ("en", "fr")
DEFAULT_TIMEZONE = "America/Toronto"   # N-6, S-8


class Actor(Contract):
    """Identity's caller: who, in which organization, whether an administrator."""
    org_id = fields.String(required=True)
    user_id = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    request_id = fields.String(allow_none=True)


class Flags(Contract):
    """S-4: what the caller sees beyond the records they represent."""
    all_contacts = fields.Boolean(load_default=False)
    hierarchy_contacts = fields.Boolean(load_default=False)
    own_records_only = fields.Boolean(load_default=False)


class _Visibility(Actor):
    """With what visibility needs (S-4, S-5): the flags and the users below the caller."""
    flags = fields.Nested(Flags, load_default=lambda: dict.fromkeys(FLAGS, False))
    subordinate_ids = fields.List(fields.String(), load_default=list)


def _known_zone(value):
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("task_timezone_unknown") from None


def _timezone():
    """The organization's time zone (N-6), an IANA name."""
    return fields.String(load_default=DEFAULT_TIMEZONE, validate=_known_zone)


class ContactsActor(_Visibility):
    """With the organization's time zone (N-6: a date in criteria is its day; exports write its wall-clock time)."""
    timezone = _timezone()


def _language(default):
    return fields.String(load_default=default, validate=validate.OneOf(LANGUAGES))


class OpportunitiesActor(_Visibility):
    """With the caller's selected accessible lists (asked of contacts by the gateway: opportunities inherit
    contacts' visibility through them) and language (stage labels, export headers)."""
    list_ids = fields.List(fields.String(), load_default=list, validate=validate.Length(max=10_000))
    language = _language("en")


class TasksActor(OpportunitiesActor):
    """With the organization's time zone (N-6: tasks show times in it); French unless told, as the invitations to
    contacts and the dashboard's labels are."""
    timezone = _timezone()
    language = _language("fr")


class CampaignsActor(TasksActor):
    """The caller of the campaigns service: the visibility of opportunities and tasks (its read model of contacts,
    E-4) with the organization's time zone and the caller's language."""


class FormsActor(Actor):
    """The caller of the forms service (F-1): the organization's time zone (statistics by day) and the caller's
    language (labels of the field catalogue)."""
    timezone = _timezone()
    language = _language("en")
