"""Who sees which opportunities (O-1, S-4), as SQL predicates built without I/O: an opportunity inherits the
visibility of its account in the read model (``readmodel/repository/visibility.py``); ``own_records_only`` (S-4)
narrows it further to those whose rep 1 or rep 2 is the caller."""
import sqlalchemy as sa

from carnet_opportunities.models import account_refs, opportunities
from carnet_opportunities.readmodel.repository.visibility import account_visible, own_records_only


def opportunity_visible(actor):
    """Predicate on ``opportunities``: the organization's, not deleted, on a visible account; with
    ``own_records_only`` only those whose rep 1 or rep 2 is the caller."""
    clauses = [opportunities.c.org_id == actor["org_id"], opportunities.c.deleted_at.is_(None),
               account_visible(account_refs, opportunities.c.account_id, actor=actor)]
    if own_records_only(actor):
        clauses.append(sa.or_(opportunities.c.rep1_id == actor["user_id"],
                              opportunities.c.rep2_id == actor["user_id"]))
    return sa.and_(*clauses)
