"""The queries of the content area: the only module of the area that builds SQL (docs/conventions.md). It reads the
``campaigns`` table (the campaigns area's) only to make a template from a sent e-mail."""
from datetime import datetime, timezone

import sqlalchemy as sa

from carnet_campaigns.campaigns.tables import campaigns
from carnet_campaigns.content.tables import templates


def now():
    return datetime.now(timezone.utc)


def insert(session, values):
    session.execute(templates.insert().values(**values))


def get(session, *, org_id, template_id, for_update=False):
    """The organization's template ``template_id``, or None (another organization's is none)."""
    query = sa.select(templates).where(templates.c.id == template_id, templates.c.org_id == org_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def of_org(session, org_id):
    """The organization's templates, by name then id."""
    return session.execute(sa.select(templates).where(templates.c.org_id == org_id)
                           .order_by(sa.func.lower(templates.c.name), templates.c.id)).mappings().all()


def update(session, template_id, values):
    session.execute(templates.update().where(templates.c.id == template_id).values(**values, updated_at=now()))


def delete(session, template_id):
    session.execute(templates.delete().where(templates.c.id == template_id))


def campaign(session, *, org_id, campaign_id):
    """What a template is made from of the organization's campaign (or one-to-one e-mail), or None."""
    return session.execute(
        sa.select(campaigns.c.id, campaigns.c.kind, campaigns.c.name, campaigns.c.status, campaigns.c.subject,
                  campaigns.c.html, campaigns.c.text, campaigns.c.created_by)
        .where(campaigns.c.id == campaign_id, campaigns.c.org_id == org_id)).mappings().first()
