"""Who sees which records (C-2, L-2, L-3, S-4, S-5, S-6), as SQL predicates built without I/O.

The gateway passes the caller's flags and subordinates in the actor (refreshed at its next request after
any identity change), so no query calls identity. A record is visible when it is in one of the caller's
*selected* lists that they may access and, unless they are an administrator or flagged ``all_contacts``,
when rep 1 or rep 2 is the caller or (``hierarchy_contacts``) a user below them. Who may access a list is
the lists area's (lists/repository.py ``list_accessible``). Repository code: the records area's repository, the
lifecycle area's (deleted records) and ``summary_visibility.py`` build their predicates on it.
"""
import sqlalchemy as sa


def rep_ids(actor):
    """The reps whose records ``actor`` sees, or None when they see every rep's (S-4, S-5)."""
    flags = actor.get("flags") or {}
    if actor.get("is_admin") or flags.get("all_contacts"):
        return None
    ids = [actor["user_id"]]
    if flags.get("hierarchy_contacts"):
        ids.extend(i for i in actor.get("subordinate_ids") or () if i not in ids)
    return ids


def record_visible(table, members, member_key, *, actor, list_ids):
    """Predicate on ``table`` (contacts or accounts): org, not deleted, in a scope list, rep rule.

    ``list_ids`` are the caller's selected lists they may access, read once per request.
    """
    clauses = [table.c.org_id == actor["org_id"], table.c.deleted_at.is_(None)]
    if list_ids:
        clauses.append(sa.exists(sa.select(1).where(members.c[member_key] == table.c.id,
                                                    members.c.list_id.in_(list(list_ids)))))
    else:
        clauses.append(sa.false())
    reps = rep_ids(actor)
    if reps is not None:
        clauses.append(sa.or_(table.c.rep1_id.in_(reps), table.c.rep2_id.in_(reps)))
    return sa.and_(*clauses)
