"""SQL of the campaigns area: campaigns of an organization, their recipients chosen once when sending starts (one
``INSERT … SELECT`` over the audience area's selection), their progress, the module's sent e-mails."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_campaigns import models  # noqa: F401  (the schema's tables, every area's, before one of them)
from carnet_campaigns.audience import repository as audience
from carnet_campaigns.audience.tables import contact_refs
from carnet_campaigns.campaigns.tables import campaigns
from carnet_campaigns.sending.tables import recipients

FINAL = ("sent", "failed", "suppressed", "cancelled")
PENDING = ("queued", "retry")


def readable(actor):
    """Predicate: a campaign of ``actor``'s organization they may read: any campaign on lists; a one-to-one e-mail
    only when they sent it or are an administrator (it is their correspondence with one contact)."""
    own = sa.or_(campaigns.c.kind == "campaign", campaigns.c.created_by == actor["user_id"])
    return sa.and_(campaigns.c.org_id == actor["org_id"], sa.true() if actor.get("is_admin") else own)


def insert(session, row):
    session.execute(sa.insert(campaigns).values(**row))


def get(session, *, actor, campaign_id, for_update=False):
    query = sa.select(campaigns).where(readable(actor), campaigns.c.id == campaign_id)
    if for_update:
        query = query.with_for_update()
    found = session.execute(query).mappings().first()
    return dict(found) if found is not None else None


def update(session, campaign_id, values):
    session.execute(sa.update(campaigns).where(campaigns.c.id == campaign_id)
                    .values(**values, updated_at=sa.func.now()))


def delete(session, campaign_id):
    session.execute(sa.delete(campaigns).where(campaigns.c.id == campaign_id))


def page(session, *, actor, kind, status, page, per_page):
    """``(rows, total)``: the campaigns of ``kind`` (and ``status``) the actor may read, newest first."""
    where = [readable(actor), campaigns.c.kind == kind]
    if status is not None:
        where.append(campaigns.c.status == status)
    total = session.execute(sa.select(sa.func.count()).select_from(campaigns).where(*where)).scalar_one()
    rows = session.execute(sa.select(campaigns).where(*where)
                           .order_by(campaigns.c.created_at.desc(), campaigns.c.id)
                           .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return [dict(row) for row in rows], total


def _hex_uuid():
    return sa.func.replace(sa.cast(sa.func.gen_random_uuid(), sa.Text), "-", "")


def insert_recipients(session, *, org_id, campaign_id, selection, domain):
    """Every row of ``selection`` (the audience area's ``audience_select``: contact_id, email, email_key, language,
    first_name, last_name) as a queued recipient of the campaign, in one statement; the number inserted.

    Each row's id is a new uuid (hex), and its Message-ID ``<id@domain>`` is made of that same id: the ids are drawn
    in a subquery kept apart from the outer query (``OFFSET 0``: PostgreSQL does not pull it up, so the volatile
    ``gen_random_uuid()`` is evaluated once per row, not once per use)."""
    chosen = selection.subquery("chosen")
    drawn = sa.select(_hex_uuid().label("rid"), *chosen.c).offset(0).subquery("drawn")
    full_name = sa.func.btrim(sa.func.concat_ws(" ", drawn.c.first_name, drawn.c.last_name))
    merge = sa.func.jsonb_build_object(
        "first_name", sa.func.coalesce(drawn.c.first_name, ""), "last_name", sa.func.coalesce(drawn.c.last_name, ""),
        "full_name", full_name, "email", drawn.c.email).cast(JSONB)
    source = sa.select(
        drawn.c.rid, sa.literal(org_id), sa.literal(campaign_id), drawn.c.contact_id, drawn.c.email,
        drawn.c.email_key, drawn.c.language, merge, sa.literal("queued"),
        sa.func.concat("<", drawn.c.rid, "@", sa.literal(domain), ">"))
    columns = ["id", "org_id", "campaign_id", "contact_id", "email", "email_key", "language", "merge", "state",
               "message_id"]
    result = session.execute(sa.insert(recipients).from_select(columns, source))
    return result.rowcount


def insert_recipient(session, row):
    """One recipient (a one-to-one e-mail's), its Message-ID made of its id."""
    session.execute(sa.insert(recipients).values(**row))


def seen(actor):
    """Predicate: the recipient's contact is one ``actor`` sees now (the audience area's ``ref_visible``, the one
    rule of who sees a contact in this service); a recipient without a contact is counted for nobody."""
    return sa.exists(sa.select(1).where(contact_refs.c.id == recipients.c.contact_id, audience.ref_visible(actor)))


def states(session, campaign_id, *, actor):
    """``{state: count}`` of the campaign's recipients whose contact ``actor`` sees."""
    rows = session.execute(sa.select(recipients.c.state, sa.func.count())
                           .where(recipients.c.campaign_id == campaign_id, seen(actor))
                           .group_by(recipients.c.state)).all()
    return {state: count for state, count in rows}


def cancel_pending(session, campaign_id):
    """The recipients not sent yet (queued or waiting for a retry) cancelled; the number cancelled. A recipient the
    sender holds (``sending``) is its to finish: the sender checks the campaign's status before each message."""
    result = session.execute(sa.update(recipients)
                             .where(recipients.c.campaign_id == campaign_id, recipients.c.state.in_(PENDING))
                             .values(state="cancelled", claimed_by=None, claimed_until=None))
    return result.rowcount


def sent_page(session, *, actor, kind, page, per_page):
    """``(rows, total)``: the organization's campaigns and one-to-one e-mails whose sending started, newest first,
    each with its recipients whose contact ``actor`` sees counted: all, sent, opened, clicked."""
    where = [readable(actor), campaigns.c.started_at.isnot(None)]
    if kind is not None:
        where.append(campaigns.c.kind == kind)
    total = session.execute(sa.select(sa.func.count()).select_from(campaigns).where(*where)).scalar_one()
    chosen = (sa.select(campaigns).where(*where)
              .order_by(campaigns.c.started_at.desc(), campaigns.c.id)
              .limit(per_page).offset((page - 1) * per_page)).subquery("chosen")
    stats = (sa.select(
        sa.func.count().label("recipients"),
        sa.func.count().filter(recipients.c.state == "sent").label("sent"),
        sa.func.count().filter(recipients.c.opened_at.isnot(None)).label("opened"),
        sa.func.count().filter(recipients.c.clicked_at.isnot(None)).label("clicked"))
        .where(recipients.c.campaign_id == chosen.c.id, seen(actor))).lateral("stats")
    rows = session.execute(sa.select(chosen, stats.c.recipients, stats.c.sent, stats.c.opened, stats.c.clicked)
                           .select_from(chosen.join(stats, sa.true()))
                           .order_by(chosen.c.started_at.desc(), chosen.c.id)).mappings().all()
    return [dict(row) for row in rows], total
