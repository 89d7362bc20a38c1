"""The criteria of C-12 (docs/rules/http-api.md JSON) compiled to SQLAlchemy predicates, and sort keys (C-15).

``{"op": "and"|"or", "items": [...]}`` groups nest; a leaf is ``{"field", "cmp", "value"}``. A leaf's
field is resolved by the first registered *criterion kind* that claims it: standard columns of the record,
``account.<field>`` (a contact's account), ``custom.<key>``, ``list`` ("is in list …"), and the action
criteria fed by the opportunities service's events: ``opportunity.stage_id``, ``opportunity.total`` and
``task.type``, ``task.status``, ``task`` (summaries kept by readmodels/usecases.py), which count only what
the caller could see there (summary_visibility.py). Adding a kind is one
``@criterion`` function returning a ``Criterion``: its value type (which operators and values it takes), the
field permission(s) a caller needs to filter on it, optionally its own value conversion, and a
``build(cmp, value)`` giving the predicate.

No I/O: everything it needs about the caller and the organization comes in a ``Context`` (the records area's
use cases build it). It builds SQL, so it is repository code (docs/conventions.md: query predicates belong to the
repository side). Every problem of a tree is reported at once, keyed by its path (``criteria.items.1.cmp``).

``status`` (C-24) is ``active`` or ``inactive``, compared with ``eq``/``ne``; whether a tree asks about it at all
(``mentions``) decides whether the search shows inactive records (records/usecases.py). A date compared with a
timestamp (``created_at``, ``updated_at``) is the organization's day, 00:00 to 24:00 in its time zone (N-6:
``day_bounds``; ``Context.timezone``, from the actor).
"""
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from carnet_common.contracts import UNSTORABLE
from carnet_common.errors import Forbidden, InvalidInput
from carnet_contacts import norms
from carnet_contacts.models import (
    account_members,
    accounts,
    contacts,
    list_members,
    opportunity_summaries,
    task_summaries,
)
from carnet_contacts.records.repository import summary_visibility, visibility
from carnet_contracts import tasks
from carnet_contracts.records import STATUSES
from carnet_custom_fields.values import TEXT_TYPES

MAX_DEPTH = 6
MAX_LEAVES = 100
MAX_TEXT = 500
MAX_EXPONENT = 30   # numbers in criteria: |value| < 10^31 and, when not zero, ≥ 10^-30
ICU = "und-x-icu"
OPS = {
    "text": ("eq", "ne", "contains", "starts_with", "empty", "not_empty"),
    "exact": ("eq", "ne", "empty", "not_empty"),
    "number": ("eq", "ne", "gt", "lt", "empty", "not_empty"),
    "date": ("eq", "ne", "before", "after", "empty", "not_empty"),
    "boolean": ("eq", "ne", "empty", "not_empty"),
    "choices": ("contains", "empty", "not_empty"),
    "membership": ("eq", "ne"),
    "status": ("eq", "ne"),
}
ALL_OPS = sorted({op for ops in OPS.values() for op in ops})
NO_VALUE = ("empty", "not_empty")
TABLES = {"contact": contacts, "account": accounts}
MODULES = {"contact": "contacts", "account": "accounts"}
STANDARD = {
    "contact": {
        **dict.fromkeys(("first_name", "last_name", "title", "email", "language", "phone", "mobile", "fax",
                         "other_phone", "street", "city", "province", "postal_code", "country", "website"),
                        "text"),
        **dict.fromkeys(("id", "rep1_id", "rep2_id", "account_id"), "exact"), "status": "status",
        "subscribed": "boolean", "is_primary": "boolean", "created_at": "datetime", "updated_at": "datetime"},
    "account": {
        **dict.fromkeys(("name", "email", "phone", "fax", "website", "street", "city", "province", "postal_code",
                         "country"), "text"),
        **dict.fromkeys(("id", "rep1_id", "rep2_id"), "exact"), "status": "status",
        "created_at": "datetime", "updated_at": "datetime"},
}
# Readable by everyone (the gateway's ALWAYS_READABLE): no field permission to check.
UNRESTRICTED = {"id", "created_at", "updated_at"}
CUSTOM_KINDS = {"number": "number", "decimal": "number", "date": "date", "boolean": "boolean",
                "multi_choice": "choices", **{t: "text" for t in TEXT_TYPES}}
NUMERIC = r"^-?[0-9]+(\.[0-9]+)?$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DEFAULT_TIMEZONE = "America/Toronto"   # N-6, S-8: an organization's zone unless it set one


@dataclass
class Context:
    """What compiling needs: the record type, the organization, the caller's accessible lists, the
    visible custom fields per module (``{"contacts": {key: definition}}``) and the permission keys the
    caller may not read (``contacts.title``, ``accounts.custom.size``, or a whole module ``accounts``).
    ``may_read`` takes one permission key or a tuple of them (all needed).
    ``actor`` (user_id, is_admin, flags, subordinate_ids) and their ``selected`` lists decide which
    opportunities and tasks the action criteria count (summary_visibility.py); without an actor, none.
    ``timezone``: the organization's (an IANA name, N-6), in which a date compared with a timestamp is a day."""
    record_type: str
    org_id: str
    custom: dict = field(default_factory=dict)
    list_ids: frozenset = frozenset()
    unreadable: frozenset = frozenset()
    actor: dict = None
    selected: frozenset = frozenset()
    timezone: str = DEFAULT_TIMEZONE

    def may_read(self, permission):
        keys = () if permission is None else (permission,) if isinstance(permission, str) else permission
        return all(key not in self.unreadable and key.split(".", 1)[0] not in self.unreadable for key in keys)


@dataclass
class Criterion:
    kind: str             # a key of OPS
    build: object         # build(cmp, value) -> predicate; value already checked for ``kind``
    permission: object = None  # a permission key, or a tuple of keys all needed
    sort_key: object = None   # an expression to order by, when the field can be a sort column
    sort_text: bool = False
    convert: object = None    # convert(value) -> (value, {path suffix: message key}); default: the kind's


KINDS = []


def criterion(resolver):
    """Register ``resolver(field, ctx) -> Criterion | None``; earlier registrations win."""
    KINDS.append(resolver)
    return resolver


def resolve(field_name, ctx):
    for resolver in KINDS:
        found = resolver(field_name, ctx)
        if found is not None:
            return found
    return None


# Predicates by value kind -----------------------------------------------------------------------------

def _fold(expression):
    return sa.func.contacts.f_unaccent(sa.func.lower(expression))


def _like(value):
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Text columns whose folded copy is stored (norms.py, written on every change) and trigram-indexed:
# comparing against it lets the indexes serve eq/contains/starts_with instead of folding every row
# (a 3-clause filter went from 2.2 s to index scans at 1M contacts, bench/results/contacts-2026-11-25.md).
NORMALISED = {"contact": {"title": "title_norm", "email": "email_norm"},
              "account": {"city": "city_norm", "street": "street_norm"}}


def text_predicate(expression, cmp, value, *, folded_column=None):
    """Accent- and case-insensitive, with the folding of norms.py on the value and, on the column side,
    its stored folded copy when there is one, else f_unaccent."""
    if cmp == "empty":
        return sa.or_(expression.is_(None), expression == "")
    if cmp == "not_empty":
        return sa.and_(expression.is_not(None), expression != "")
    folded = norms.fold(value)
    column = folded_column if folded_column is not None else _fold(expression)
    if cmp == "eq":
        return column == folded
    if cmp == "ne":
        return sa.func.coalesce(column, "") != folded
    pattern = ("%" if cmp == "contains" else "") + _like(folded) + "%"
    return column.like(pattern, escape="\\")


def compare_predicate(expression, cmp, value):
    """Numbers, dates as ISO text and exact values: the comparison of the column's own type."""
    if cmp == "empty":
        return expression.is_(None)
    if cmp == "not_empty":
        return expression.is_not(None)
    if cmp == "ne":
        return sa.or_(expression.is_(None), expression != value)
    return {"eq": expression.__eq__, "gt": expression.__gt__, "after": expression.__gt__,
            "lt": expression.__lt__, "before": expression.__lt__}[cmp](value)


def day_bounds(day, zone):
    """``(start, end)``: the instants (UTC) the calendar ``day`` begins and ends in the time zone ``zone`` (N-6).

    A day is not always 24 hours: the one daylight time begins has 23 and the one it ends 25, so the end is the next
    day's midnight, not the start plus a day. Where midnight falls in a gap (a zone that springs forward at 00:00),
    PEP 495's ``fold=0`` takes the offset before the change: the day then begins at the change, as it does there."""
    zone = ZoneInfo(zone)
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def datetime_predicate(expression, cmp, value, zone=DEFAULT_TIMEZONE):
    """A timestamp against a calendar day of the organization (``zone``, N-6): ``eq`` is within the day, ``before``
    before it begins, ``after`` after it ends."""
    if cmp in NO_VALUE:
        return compare_predicate(expression, cmp, None)
    start, end = day_bounds(value, zone)
    return {"eq": sa.and_(expression >= start, expression < end),
            "ne": sa.or_(expression < start, expression >= end),
            "before": expression < start, "after": expression >= end}[cmp]


# Registered kinds ----------------------------------------------------------------------------------------

@criterion
def standard_field(field_name, ctx):
    kind = STANDARD[ctx.record_type].get(field_name)
    if kind is None:
        return None
    column = TABLES[ctx.record_type].c[field_name]
    permission = None if field_name in UNRESTRICTED else f"{MODULES[ctx.record_type]}.{field_name}"
    if kind == "text":
        normalised = NORMALISED[ctx.record_type].get(field_name)
        folded_column = TABLES[ctx.record_type].c[normalised] if normalised else None
        return Criterion("text", lambda cmp, value: text_predicate(column, cmp, value,
                                                                   folded_column=folded_column),
                         permission, sort_key=column, sort_text=True)
    if kind == "datetime":
        return Criterion("date", lambda cmp, value: datetime_predicate(column, cmp, value, ctx.timezone), permission,
                         sort_key=column)
    if kind == "status":
        return Criterion("status", lambda cmp, value: compare_predicate(column, cmp, value), permission,
                         sort_key=column, sort_text=True, convert=_status)
    return Criterion(kind, lambda cmp, value: compare_predicate(column, cmp, value), permission,
                     sort_key=column, sort_text=kind == "exact")


@criterion
def custom_field(field_name, ctx):
    if not field_name.startswith("custom."):
        return None
    key = field_name[len("custom."):]
    definition = ctx.custom.get(MODULES[ctx.record_type], {}).get(key)
    if definition is None or definition["hidden"]:
        return None
    column = TABLES[ctx.record_type].c.custom
    kind = CUSTOM_KINDS[definition["type"]]
    raw, present = column[key].astext, column.has_key(key)
    permission = f"{MODULES[ctx.record_type]}.custom.{key}"
    if kind == "text":
        return Criterion("text", lambda cmp, value: text_predicate(raw, cmp, value), permission,
                         sort_key=raw, sort_text=True)
    if kind == "choices":
        def build(cmp, value):
            if cmp in NO_VALUE:
                return present if cmp == "not_empty" else ~present
            return column.contains({key: [value]})
        return Criterion("choices", build, permission, sort_key=raw, sort_text=True)
    if kind == "number":
        # Guarded: another organization may hold text under the same key, and the planner may evaluate
        # this before the org_id predicate.
        typed = sa.case((raw.regexp_match(NUMERIC), sa.cast(raw, sa.Numeric)))
    elif kind == "date":
        typed = sa.case((raw.regexp_match(ISO_DATE), raw))   # ISO dates order as text
    else:
        typed = sa.case((raw.in_(("true", "false")), raw == "true"))
    return Criterion(kind, lambda cmp, value: compare_predicate(
        typed, cmp, value.isoformat() if isinstance(value, date) else value), permission, sort_key=typed)


# A contact with an account carries the account's folded city and street (norms.py ``eff_*``, rewritten on
# every contact of an account when the account changes): positive comparisons on ``account.city`` and
# ``account.street`` read that copy on the contact row, so its trigram index combines with the contact's
# other criteria in one bitmap scan instead of a join over every matching account (14 s → 0.1 s for
# "Sherbrooke AND Président AND 3 lists" at 1M contacts, bench/results/contacts-2026-11-25-quiet.md).
ACCOUNT_ON_CONTACT = {"city": "eff_city_norm", "street": "eff_street_norm"}


@criterion
def account_field(field_name, ctx):
    """``account.city``, ``account.custom.size``: a contact's account (no account = empty values).

    Only an account the caller sees counts (C-2, C-8, issue 10 §1): a contact of another's (another list, another
    rep's, in the trash) is filtered as a contact without an account, so ``account.*`` never matches through it
    (``empty`` and ``ne`` do, as for no account), whichever field, its name and id included."""
    if ctx.record_type != "contact" or not field_name.startswith("account."):
        return None
    inner = resolve(field_name[len("account."):], replace(ctx, record_type="account"))
    if inner is None or inner.kind == "membership":
        return None

    shortcut = ACCOUNT_ON_CONTACT.get(field_name[len("account."):])

    def build(cmp, value):
        shown = (sa.false() if ctx.actor is None else visibility.record_visible(
            accounts, account_members.alias(), "account_id", actor=ctx.actor, list_ids=ctx.selected))
        matching = sa.select(accounts.c.id).where(accounts.c.org_id == ctx.org_id, inner.build(cmp, value), shown)
        clause = contacts.c.account_id.in_(matching)
        if shortcut is not None and cmp in ("eq", "contains", "starts_with"):
            column = contacts.c[shortcut]
            # "has an account" written so the planner checks it on the row: as ``IS NOT NULL`` it would AND
            # in a bitmap of the ~99 % of contacts that have one and make the whole bitmap lossy. The copy finds
            # the candidates by its index; the accounts of that city the caller sees decide (hashed once).
            return sa.and_(sa.func.coalesce(contacts.c.account_id, "") != "",
                           text_predicate(column, cmp, value, folded_column=column), clause)
        if cmp in ("empty", "ne"):
            seen = visibility.seen(accounts, account_members, "account_id", contacts.c.account_id, actor=ctx.actor,
                                   list_ids=ctx.selected)
            return sa.or_(contacts.c.account_id.is_(None), ~seen, clause)
        return clause
    return Criterion(inner.kind, build, inner.permission or "accounts", convert=inner.convert)


@criterion
def list_membership(field_name, ctx):
    """``{"field": "list", "cmp": "eq", "value": "<list id>"}``: is (not) in a list the caller may access."""
    if field_name != "list":
        return None
    table, key = ((list_members, "contact_id") if ctx.record_type == "contact"
                  else (account_members, "account_id"))
    record = TABLES[ctx.record_type]

    def build(cmp, value):
        member = sa.exists(sa.select(1).where(table.c.list_id == value, table.c[key] == record.c.id))
        return member if cmp == "eq" else ~member
    return Criterion("membership", build)


# Action criteria (opportunities area of issue 5, C-12) ----------------------------------------------------
OPPORTUNITY_CRITERIA = {"opportunity.stage_id": "exact", "opportunity.total": "number"}


@criterion
def opportunity_action(field_name, ctx):
    """``opportunity.stage_id`` (eq a stage id: "has an opportunity at stage …"; ne: has none there) and
    ``opportunity.total`` (gt/lt/eq: "has an opportunity with total > …"), read from the summaries the
    opportunities events keep (readmodels/usecases.py). A contact has the opportunities naming it and those
    of its account (O-1); an account, its own. Only those the caller could see in the opportunities service
    count (S-4: with ``own_records_only``, those whose rep they are; summary_visibility.py), so a filter never
    tells of one they cannot see. Needs the opportunities module's read permission."""
    kind = OPPORTUNITY_CRITERIA.get(field_name)
    if kind is None:
        return None
    table = opportunity_summaries
    column = table.c.stage_id if field_name == "opportunity.stage_id" else table.c.total
    record = TABLES[ctx.record_type]
    if ctx.record_type == "contact":
        on_record = sa.or_(table.c.contact_id == record.c.id, table.c.account_id == record.c.account_id)
    else:
        on_record = table.c.account_id == record.c.id

    def has(condition):
        return sa.exists(sa.select(1).where(table.c.org_id == ctx.org_id, on_record, condition,
                                            summary_visibility.opportunity_seen(table, ctx.actor, ctx.selected)))

    def build(cmp, value):
        if cmp in NO_VALUE:
            return has(sa.true()) if cmp == "not_empty" else ~has(sa.true())
        if kind == "exact":
            return has(column == value) if cmp == "eq" else ~has(column == value)
        comparison = {"eq": column == value, "ne": column != value, "gt": column > value, "lt": column < value}[cmp]
        return has(comparison)
    return Criterion(kind, build, "opportunities." + field_name.split(".", 1)[1])


# "has a task of type … (status …)" (opportunities area of issue 5, C-12) ------------------------------------
# The task types and statuses of the contracts the opportunities service loads its tasks with.
TASK_VALUES = {"type": (tasks.TYPES, "task_type_unknown"), "status": (tasks.STATUSES, "task_status_unknown")}
TASK_CRITERIA = {"task.type": ("type",), "task.status": ("status",), "task": ("type", "status")}


def _task_attribute(name):
    """The value of ``task.type`` / ``task.status``: one known type or status, as ``{name: value}``."""
    allowed, message = TASK_VALUES[name]

    def convert(value):
        if isinstance(value, str) and value in allowed:
            return {name: value}, {}
        return None, {"": message}
    return convert


def _task_object(value):
    """The value of ``task``: ``{"type": …, "status": …}``, either or both, each checked like above."""
    if not isinstance(value, dict) or not value:
        return None, {"": "criteria_task_expected"}
    errors = {}
    for name, given in value.items():
        if name not in TASK_VALUES:
            errors[f".{name}"] = "Unknown field."
        elif not (isinstance(given, str) and given in TASK_VALUES[name][0]):
            errors[f".{name}"] = TASK_VALUES[name][1]
    return (None, errors) if errors else (dict(value), {})


@criterion
def task_action(field_name, ctx):
    """C-12 "has a task of type … (status …)", read from the summaries the tasks events keep (readmodels).

    ``task.type`` / ``task.status``: ``eq`` has a task of that type (status), ``ne`` has none; ``task`` with
    ``{"type": "call", "status": "todo"}`` asks both of the SAME task (either key may be left out);
    ``not_empty`` / ``empty``: has a task / has none. A contact has the tasks naming it, an account the tasks
    naming it; a contact does not inherit its account's tasks (``account.task…`` asks for those).
    Only the tasks the caller could see in the opportunities service count (S-4: with ``own_records_only``,
    those assigned to or created by them; summary_visibility.py).
    Needs the tasks module's read permission and that of the fields compared."""
    names = TASK_CRITERIA.get(field_name)
    if names is None:
        return None
    table = task_summaries
    owner = table.c.contact_id if ctx.record_type == "contact" else table.c.account_id

    def has(wanted):
        return sa.exists(sa.select(1).where(table.c.org_id == ctx.org_id, owner == TABLES[ctx.record_type].c.id,
                                            *[table.c[name] == value for name, value in sorted(wanted.items())],
                                            summary_visibility.task_seen(table, ctx.actor, ctx.selected)))

    def build(cmp, wanted):
        found = has(wanted or {})
        return found if cmp in ("eq", "not_empty") else ~found
    convert = _task_object if field_name == "task" else _task_attribute(names[0])
    return Criterion("exact", build, tuple(f"tasks.{name}" for name in names), convert=convert)


# Values ---------------------------------------------------------------------------------------------

def _status(value):
    """C-24: a record's status, as stored (``active`` or ``inactive``, exactly)."""
    return (value, {}) if isinstance(value, str) and value in STATUSES else (None, {"": "criteria_status_expected"})


def _value(kind, value, ctx):
    """``(value, None)`` converted for ``kind``, or ``(None, message key)``."""
    if kind in ("text", "exact", "choices"):
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            return None, "criteria_text_expected"
        if UNSTORABLE.search(value):   # PostgreSQL refuses NUL and lone surrogates in text
            return None, "invalid_characters"
        return value, None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None, "criteria_number_expected"
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None, "criteria_number_expected"
        # finite and within what a PostgreSQL numeric compares (1e999999 would fail in the query)
        if not number.is_finite() or abs(number.adjusted()) > MAX_EXPONENT:
            return None, "criteria_number_expected"
        return number, None
    if kind == "date":
        try:
            return date.fromisoformat(value), None
        except (TypeError, ValueError):
            return None, "criteria_date_expected"
    if kind == "boolean":
        return (value, None) if isinstance(value, bool) else (None, "criteria_boolean_expected")
    if value not in ctx.list_ids:  # membership
        return None, "unknown_list"
    return value, None


def _convert(found, value, ctx):
    """``(value, {path suffix: message key})``: the criterion's own conversion, else its kind's."""
    if found.convert is not None:
        return found.convert(value)
    value, error = _value(found.kind, value, ctx)
    return value, ({"": error} if error else {})


# Trees -------------------------------------------------------------------------------------------------

def mentions(tree, field_name):
    """Whether a leaf of ``tree`` (already parsed; anything malformed is left to ``compile_criteria``) compares
    ``field_name``, under any group: ``status`` asks about the record's status, ``account.status`` does not."""
    if isinstance(tree, list):
        return any(mentions(item, field_name) for item in tree)
    if not isinstance(tree, dict):
        return False
    if "op" in tree or "items" in tree:
        return isinstance(tree.get("items"), list) and mentions(tree["items"], field_name)
    return tree.get("field") == field_name


def parse_json(text, path="criteria"):
    """The ``criteria`` query parameter (JSON text) as a tree."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput(errors={path: ["criteria_malformed_json"]}) from None


class _Compiler:
    def __init__(self, ctx):
        self.ctx = ctx
        self.errors = {}
        self.forbidden = {}
        self.leaves = 0

    def node(self, node, path, depth):
        if depth > MAX_DEPTH:
            return self.fail(path, "criteria_too_deep")
        if not isinstance(node, dict):
            return self.fail(path, "criteria_object_expected")
        if "op" in node or "items" in node:
            return self.group(node, path, depth)
        return self.leaf(node, path)

    def fail(self, path, key):
        self.errors.setdefault(path, []).append(key)

    def group(self, node, path, depth):
        for extra in sorted(set(node) - {"op", "items"}):
            self.fail(f"{path}.{extra}", "Unknown field.")
        if node.get("op") not in ("and", "or"):
            self.fail(f"{path}.op", "criteria_op")
        items = node.get("items")
        if not isinstance(items, list) or not items:
            return self.fail(f"{path}.items", "criteria_items_expected")
        parts = [self.node(item, f"{path}.items.{i}", depth + 1) for i, item in enumerate(items)]
        if any(p is None for p in parts):
            return None
        return (sa.and_ if node.get("op") == "and" else sa.or_)(*parts)

    def leaf(self, node, path):
        self.leaves += 1
        if self.leaves == MAX_LEAVES + 1:
            self.fail(path, "criteria_too_many")
        for extra in sorted(set(node) - {"field", "cmp", "value"}):
            self.fail(f"{path}.{extra}", "Unknown field.")
        name, cmp = node.get("field"), node.get("cmp")
        found = resolve(name, self.ctx) if isinstance(name, str) else None
        if found is None:
            self.fail(f"{path}.field", "criteria_unknown_field")
        elif not self.ctx.may_read(found.permission):
            self.forbidden[f"{path}.field"] = name
        if not isinstance(cmp, str) or cmp not in ALL_OPS:
            return self.fail(f"{path}.cmp", "criteria_cmp")
        if found is None:
            return None
        if cmp not in OPS[found.kind]:
            return self.fail(f"{path}.cmp", "criteria_cmp_not_for_field")
        if cmp in NO_VALUE:
            if node.get("value") is not None:
                return self.fail(f"{path}.value", "criteria_no_value")
            return found.build(cmp, None)
        value, errors = _convert(found, node.get("value"), self.ctx)
        for suffix, key in errors.items():
            self.fail(f"{path}.value{suffix}", key)
        return None if errors else found.build(cmp, value)


def compile_criteria(tree, ctx, path="criteria"):
    """A validated tree as one predicate; ``InvalidInput`` listing every bad path, or ``Forbidden``
    naming a field the caller may not read (S-3: filtering on it would reveal it)."""
    compiler = _Compiler(ctx)
    predicate = compiler.node(tree, path, 1)
    if compiler.errors:
        raise InvalidInput(errors=compiler.errors)
    if compiler.forbidden:
        first = sorted(compiler.forbidden)[0]
        raise Forbidden("field_not_readable", errors={p: ["field_not_readable"] for p in compiler.forbidden},
                        params={"field": compiler.forbidden[first]})
    return predicate


# Sort (C-15) -----------------------------------------------------------------------------------------------

DEFAULT_SORT = {"contact": "last_name", "account": "name"}
SECONDARY = {"contact": ("first_name",), "account": ()}


def sort_keys(sort, ctx, path="sort"):
    """``"-city"`` → ``[(expression, collate_icu, descending), …]``, ending with the id tie-break."""
    descending = sort.startswith("-")
    name = sort[1:] if descending else sort
    found = resolve(name, ctx) if name not in ("list",) and not name.startswith("account.") else None
    if found is None or found.sort_key is None:
        raise InvalidInput(errors={path: ["sort_unknown_field"]}, params={"field": name})
    if not ctx.may_read(found.permission):
        raise Forbidden("field_not_readable", errors={path: ["field_not_readable"]}, params={"field": name})
    table = TABLES[ctx.record_type]
    keys = [(found.sort_key, found.sort_text, descending)]
    if name == DEFAULT_SORT[ctx.record_type]:
        keys += [(table.c[n], True, descending) for n in SECONDARY[ctx.record_type]]
    return keys + [(table.c.id, False, False)]
