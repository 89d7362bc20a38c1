"""Who sees which records (C-2, L-2, L-3, S-4, S-5, S-6), as SQL predicates built without I/O.

The gateway passes the caller's flags and subordinates in the actor (refreshed at its next request after
any identity change), so no query calls identity. A record is visible when it is in one of the caller's
*selected* lists that they may access and, unless they are an administrator or flagged ``all_contacts``,
when rep 1 or rep 2 is the caller or (``hierarchy_contacts``) a user below them. Who may access a list is
the lists area's (lists/repository.py ``list_accessible``). Repository code: the records area's repository, the
lifecycle area's (deleted records) and ``summary_visibility.py`` build their predicates on it.

``seen`` asks it of a record another row points to (a contact's account): a contact of an account the caller cannot
see shows that account's name and id only (C-8, issue 10 §1), so nothing else of the account may select it.
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from carnet_contracts.visibility import rep_ids  # noqa: F401 - S-4, S-5: the one rule


def id_array(name, values=None):
    """``values`` as ONE bind parameter (a text array, compared with ``= ANY(...)``), never ``IN (:p1, …)``: a
    caller's fifty lists made the statement fifty parameters long, too long for psycopg to cache its conversion
    or prepare it, and SQLAlchemy rendered the expanded parameters at every execution (issue 9 §3, cut 2).
    Without ``values``, a named parameter given at execution (statements built once)."""
    if values is None:
        return sa.bindparam(name, type_=ARRAY(sa.Text))
    return sa.bindparam(name, list(values), type_=ARRAY(sa.Text), unique=True)


def record_visible(table, members, member_key, *, actor, list_ids):
    """Predicate on ``table`` (contacts or accounts): org, not deleted, in a scope list, rep rule.

    ``list_ids`` are the caller's selected lists they may access, read once per request."""
    reps = rep_ids(actor)
    return visible_in(table, members, member_key, org_id=actor["org_id"],
                      scope=id_array("scope_list_ids", list_ids) if list_ids else None,
                      reps=None if reps is None else id_array("rep_ids", reps))


def visible_in(table, members, member_key, *, org_id, scope, reps):
    """The rule of ``record_visible`` over SQL values: ``scope`` the caller's selected lists they may access, as an
    array (``id_array``) or a subquery of list ids, None when there are none (nothing is visible); ``reps`` an
    array of the reps whose records they see, None for every rep's."""
    clauses = [table.c.org_id == org_id, table.c.deleted_at.is_(None)]
    if scope is None:
        clauses.append(sa.false())
    else:
        in_scope = (members.c.list_id.in_(scope) if isinstance(scope, sa.sql.expression.Selectable)
                    else members.c.list_id == sa.any_(scope))
        clauses.append(sa.exists(sa.select(1).where(members.c[member_key] == table.c.id, in_scope)))
    if reps is not None:
        clauses.append(sa.or_(table.c.rep1_id == sa.any_(reps), table.c.rep2_id == sa.any_(reps)))
    return sa.and_(*clauses)


def seen(table, members, member_key, record_id, *, actor, list_ids):
    """EXISTS: the record of ``table`` whose id is ``record_id`` (an SQL expression: a contact's ``account_id``) is
    one ``actor`` sees, by ``record_visible`` over aliases (so it never correlates with the query it sits in).
    Without an actor, none is."""
    if actor is None:
        return sa.false()
    table, members = table.alias(), members.alias()
    return sa.exists(sa.select(1).where(table.c.id == record_id, record_visible(
        table, members, member_key, actor=actor, list_ids=list_ids)))
