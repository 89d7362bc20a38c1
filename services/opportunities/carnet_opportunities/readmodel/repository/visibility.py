"""Who sees which contacts and accounts of the read model (C-2, S-4, S-5), as SQL predicates built without I/O:
the rule the opportunities (``opportunities/repository/visibility.py``) and the tasks
(``tasks/repository/visibility.py``) inherit from the records they are linked to.

The rule is contacts' applied to our read model of contacts (``account_refs``/``contact_refs``, fed by the
contacts events): a record is visible when it is not deleted, in one of the caller's *selected* lists they may
access (``actor["list_ids"]``, supplied by the gateway, which asks contacts), and — unless the caller is an
administrator or flagged ``all_contacts`` — when rep 1 or rep 2 is the caller or (``hierarchy_contacts``) a user
below them. ``own_records_only`` (S-4) narrows opportunities and tasks further to the caller's own.
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from carnet_contracts.visibility import rep_ids  # noqa: F401 - S-4, S-5: the one rule


def id_array(name, values):
    """``values`` as ONE bind parameter (a text array), never one parameter per id: a caller's fifty lists made a
    statement too long for psycopg to cache its conversion or prepare it (issue 9 §3, cut 2)."""
    return sa.bindparam(name, list(values), type_=ARRAY(sa.Text), unique=True)


def ref_visible(table, *, actor):
    """Predicate on ``account_refs`` or ``contact_refs``: org, not deleted, in a selected list, rep rule."""
    list_ids = list(actor.get("list_ids") or ())
    clauses = [table.c.org_id == actor["org_id"], table.c.deleted_at.is_(None)]
    if list_ids:
        clauses.append(table.c.list_ids.overlap(id_array("scope_list_ids", list_ids)))
    else:
        clauses.append(sa.false())
    reps = rep_ids(actor)
    if reps is not None:
        reps = id_array("rep_ids", reps)
        clauses.append(sa.or_(table.c.rep1_id == sa.any_(reps), table.c.rep2_id == sa.any_(reps)))
    return sa.and_(*clauses)


def account_visible(account_refs, account_id_column, *, actor):
    """Predicate "the account ``account_id_column`` names is visible to ``actor``" (for rows linked to it)."""
    return sa.exists(sa.select(1).where(account_refs.c.id == account_id_column,
                                        ref_visible(account_refs, actor=actor)))


def visible_by_key(table, key_column, predicate):
    """Predicate "``key_column`` is NULL or names a row of ``table`` that ``predicate`` accepts" (a link of a task).

    The row is looked up by primary key once per outer row, through a scalar subquery: PostgreSQL cannot turn
    it into a hashed subplan, which would first collect every row of ``table`` the caller sees (1M contacts,
    200k opportunities) however few tasks the statement filters (issue 5 benchmark). The cost follows the
    tasks filtered."""
    found = sa.select(sa.true()).where(table.c.id == key_column, predicate).scalar_subquery()
    return sa.or_(key_column.is_(None), sa.func.coalesce(found, sa.false()))


def own_records_only(actor):
    return bool((actor.get("flags") or {}).get("own_records_only"))
