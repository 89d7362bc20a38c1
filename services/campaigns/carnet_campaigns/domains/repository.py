"""The queries of the domains area: the only module of the area that builds SQL (docs/conventions.md)."""
from datetime import datetime, timezone

import sqlalchemy as sa

from carnet_campaigns.domains.tables import sending_domains as t


def now():
    return datetime.now(timezone.utc)


def insert(session, values):
    session.execute(t.insert().values(**values))


def by_domain(session, domain, *, for_update=False):
    query = sa.select(t).where(t.c.domain == domain)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def owned(session, *, org_id, domain_id, for_update=False):
    """The organization's domain of that id, or None (another organization's reads as none)."""
    query = sa.select(t).where(t.c.id == domain_id, t.c.org_id == org_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def of_org(session, org_id):
    return session.execute(sa.select(t).where(t.c.org_id == org_id).order_by(t.c.domain)).mappings().all()


def count_of_org(session, org_id):
    return session.execute(sa.select(sa.func.count()).select_from(t).where(t.c.org_id == org_id)).scalar_one()


def other_orgs_domains(session, org_id):
    """The domains of every other organization (the look-alike check compares with them)."""
    return session.execute(sa.select(t.c.domain).where(t.c.org_id != org_id)).scalars().all()


def usable_predicate():
    return sa.and_(t.c.verified_at.is_not(None), t.c.approval == "approved")


def usable(session, *, org_id, domain=None):
    """The organization's usable domains (verified and approved), or the one named ``domain`` when usable."""
    query = sa.select(t).where(t.c.org_id == org_id, usable_predicate()).order_by(t.c.domain)
    if domain is not None:
        query = query.where(t.c.domain == domain)
    return session.execute(query).mappings().all()


def pending(session):
    return session.execute(sa.select(t).where(t.c.approval == "pending").order_by(t.c.created_at, t.c.domain)
                           ).mappings().all()


def update(session, domain_id, values):
    session.execute(t.update().where(t.c.id == domain_id).values(**values))


def delete(session, domain_id):
    session.execute(t.delete().where(t.c.id == domain_id))
