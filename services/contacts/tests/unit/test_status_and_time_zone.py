"""C-24 and N-6 without I/O (issue 10 §6): the status prefix ``s:`` and the ``status`` criteria, and dates of criteria
and export timestamps read in the organization's time zone.

Which rows these select, and what a plain search leaves out by default, is tested through the gateway in
tests/e2e_contacts/test_status_and_time_zone.py.
"""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from carnet_common.errors import Forbidden, InvalidInput
from carnet_contacts.exports.export_xlsx import columns_for, sheet_columns
from carnet_contacts.models import accounts, contacts
from carnet_contacts.records import search_terms
from carnet_contacts.records.repository import criteria
from carnet_contacts.records.search_terms import Term, parse

ADMIN = {"org_id": "org1", "user_id": "u1", "is_admin": True, "flags": {}, "subordinate_ids": []}
UTC = timezone.utc


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def ctx(record_type="contact", unreadable=(), zone="America/Toronto"):
    return criteria.Context(record_type, "org1", custom={}, list_ids=frozenset({"l1"}),
                            unreadable=frozenset(unreadable), actor=ADMIN, selected=frozenset({"l1"}), timezone=zone)


def invalid(call):
    with pytest.raises(InvalidInput) as refused:
        call()
    return refused.value.errors


# C-24: s: ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("q, status", [
    ("s:inactive", "inactive"), ("S:Active", "active"), ("s:all", "all"),
    ("s:inactif", "inactive"), ("s:ACTIF", "active"), ("s:tous", "all"), ('s:"inactive"', "inactive"),
])
def test_the_status_prefix_names_active_inactive_or_all_in_english_or_french(q, status):
    assert parse(q) == [Term("status", status)]


def test_the_status_prefix_combines_with_other_terms():
    assert parse("tremblay s:inactive c:laval") == [Term("text", "tremblay"), Term("status", "inactive"),
                                                    Term("city", "laval")]


@pytest.mark.parametrize("q", ["s:inactives", "s:yes", 's:""', "s:1"])
def test_an_unknown_status_is_a_422_on_q(q):
    assert invalid(lambda: parse(q)) == {"q": ["search_status_value"]}


@pytest.mark.parametrize("record_type, module", [("contact", "contacts"), ("account", "accounts")])
def test_the_status_prefix_needs_the_status_readable(record_type, module):
    (term,) = parse("s:inactive")
    assert search_terms.refused(record_type, term, frozenset({f"{module}.status"})) == "status"
    assert search_terms.refused(record_type, term, frozenset({f"{module}.email"})) is None


# C-24: status criteria ------------------------------------------------------------------------------------

@pytest.mark.parametrize("record_type, table", [("contact", contacts), ("account", accounts)])
def test_status_criteria_compare_the_record_status(record_type, table):
    eq = criteria.compile_criteria({"field": "status", "cmp": "eq", "value": "inactive"}, ctx(record_type))
    assert eq.compare(table.c.status == "inactive"), str(eq)
    ne = criteria.compile_criteria({"field": "status", "cmp": "ne", "value": "active"}, ctx(record_type))
    assert ne.compare(sa.or_(table.c.status.is_(None), table.c.status != "active")), str(ne)


@pytest.mark.parametrize("value", ["Inactive", "archived", "", 1, None])
def test_a_status_criterion_takes_active_or_inactive(value):
    tree = {"field": "status", "cmp": "eq", "value": value}
    assert invalid(lambda: criteria.compile_criteria(tree, ctx())) == {"criteria.value": ["criteria_status_expected"]}
    account_tree = {"field": "account.status", "cmp": "eq", "value": value}
    assert invalid(lambda: criteria.compile_criteria(account_tree, ctx())) == {
        "criteria.value": ["criteria_status_expected"]}


@pytest.mark.parametrize("cmp", ["contains", "starts_with", "empty", "gt", "before"])
def test_a_status_criterion_is_eq_or_ne(cmp):
    assert invalid(lambda: criteria.compile_criteria({"field": "status", "cmp": cmp, "value": "active"}, ctx())) == {
        "criteria.cmp": ["criteria_cmp_not_for_field"]}


def test_a_status_criterion_needs_the_status_readable():
    with pytest.raises(Forbidden):
        criteria.compile_criteria({"field": "status", "cmp": "eq", "value": "active"},
                                  ctx(unreadable={"contacts.status"}))
    with pytest.raises(Forbidden):
        criteria.compile_criteria({"field": "account.status", "cmp": "eq", "value": "active"},
                                  ctx(unreadable={"accounts.status"}))


@pytest.mark.parametrize("tree, asks", [
    ({"field": "status", "cmp": "eq", "value": "inactive"}, True),
    ({"op": "or", "items": [{"field": "first_name", "cmp": "empty"},
                            {"op": "and", "items": [{"field": "status", "cmp": "ne", "value": "active"}]}]}, True),
    ({"field": "account.status", "cmp": "eq", "value": "inactive"}, False),  # the account's, not the contact's
    ({"field": "first_name", "cmp": "empty"}, False),
    ({"op": "and", "items": "status"}, False),
    (None, False),
])
def test_whether_criteria_ask_about_the_record_status(tree, asks):
    assert criteria.mentions(tree, "status") is asks


# N-6: a date in criteria is the organization's day ---------------------------------------------------------

@pytest.mark.parametrize("zone, day, start, end", [
    # NZDT (UTC+13) on 2026-03-15: the day began at 11:00 UTC the day before
    ("Pacific/Auckland", date(2026, 3, 15), utc(2026, 3, 14, 11), utc(2026, 3, 15, 11)),
    # PDT (UTC−7) after 2026-03-08
    ("America/Vancouver", date(2026, 3, 14), utc(2026, 3, 14, 7), utc(2026, 3, 15, 7)),
    # the day daylight time begins in Toronto has 23 hours
    ("America/Toronto", date(2026, 3, 8), utc(2026, 3, 8, 5), utc(2026, 3, 9, 4)),
    # and the day it ends, 25
    ("America/Toronto", date(2026, 11, 1), utc(2026, 11, 1, 4), utc(2026, 11, 2, 5)),
    ("UTC", date(2026, 3, 14), utc(2026, 3, 14), utc(2026, 3, 15)),
])
def test_a_day_runs_from_midnight_to_midnight_in_the_zone(zone, day, start, end):
    assert criteria.day_bounds(day, zone) == (start, end)


@pytest.mark.parametrize("record_type, table", [("contact", contacts), ("account", accounts)])
def test_timestamp_criteria_compare_with_the_organization_day(record_type, table):
    start, end = utc(2026, 3, 14, 11), utc(2026, 3, 15, 11)
    column = table.c.created_at
    for cmp, expected in (("eq", sa.and_(column >= start, column < end)), ("ne", sa.or_(column < start, column >= end)),
                          ("before", column < start), ("after", column >= end)):
        predicate = criteria.compile_criteria({"field": "created_at", "cmp": cmp, "value": "2026-03-15"},
                                              ctx(record_type, zone="Pacific/Auckland"))
        assert predicate.compare(expected), (cmp, str(predicate))
        assert [p.value for p in _binds(predicate)] == [p.value for p in _binds(expected)], cmp


def test_an_account_timestamp_from_a_contact_is_read_in_the_zone_too():
    predicate = criteria.compile_criteria({"field": "account.updated_at", "cmp": "before", "value": "2026-03-01"},
                                          ctx(zone="Pacific/Auckland"))
    assert utc(2026, 2, 28, 11) in [p.value for p in _binds(predicate)]


def _binds(clause):
    found = []
    sa.sql.visitors.traverse(clause, {}, {"bindparam": found.append})
    return [p for p in found if isinstance(p.value, datetime)]


# N-6: export timestamps are the organization's wall-clock time, and the header says which ------------------

@pytest.mark.parametrize("language, created, updated", [
    ("fr", "Créé (Pacific/Auckland)", "Modifié (Pacific/Auckland)"),
    ("en", "Created (Pacific/Auckland)", "Updated (Pacific/Auckland)"),
])
def test_export_timestamp_headers_name_the_organization_zone(language, created, updated):
    headers = [c.header for c in sheet_columns(columns_for("account", fields=["name"]), language,
                                               zone="Pacific/Auckland")]
    assert headers == ["ID", "Nom" if language == "fr" else "Name", created, updated]
