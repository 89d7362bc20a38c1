"""SQL of the engagement area (the only module here that builds it, predicates included).

Who sees a recipient: the caller sees its contact NOW in the audience read model (``contact_refs``): in one of the
caller's selected accessible lists (``actor["list_ids"]``), not deleted, and — unless an administrator or flagged
``all_contacts`` — represented (rep 1 or 2) by the caller or, with ``hierarchy_contacts``, by a user below them
(S-4, S-5: the rule of the contact's own GET; ``audience.ref_visible``). A recipient without a contact is shown to
nobody."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from carnet_campaigns.audience import repository as audience
from carnet_campaigns.audience.tables import contact_refs
from carnet_campaigns.campaigns.tables import campaigns
from carnet_campaigns.engagement.tables import recipient_events
from carnet_campaigns.sending.tables import recipients


def _array(name, values):
    return sa.bindparam(name, list(values), type_=ARRAY(sa.Text), unique=True)


def contact_visible(contact_id_column, *, actor):
    """Predicate "``contact_id_column`` names a contact of the read model ``actor`` sees now" (the audience area's
    ``ref_visible``, the one rule of who sees a contact in this service)."""
    return sa.exists(sa.select(1).where(contact_refs.c.id == contact_id_column, audience.ref_visible(actor)))


# Unsubscribes (E-7) ------------------------------------------------------------------------------------------------

def recipient(session, recipient_id, *, for_update=False):
    """The recipient with what its public page shows of its campaign (``from_name``), or None."""
    statement = (sa.select(recipients.c.id, recipients.c.org_id, recipients.c.campaign_id, recipients.c.contact_id,
                           recipients.c.email, recipients.c.language, recipients.c.sent_at,
                           recipients.c.unsubscribed_at, campaigns.c.from_name, campaigns.c.kind)
                 .join(campaigns, campaigns.c.id == recipients.c.campaign_id)
                 .where(recipients.c.id == recipient_id))
    if for_update:
        statement = statement.with_for_update(of=recipients)
    return session.execute(statement).mappings().first()


def mark_unsubscribed(session, recipient_id, at):
    session.execute(recipients.update().where(recipients.c.id == recipient_id, recipients.c.unsubscribed_at.is_(None))
                    .values(unsubscribed_at=at))


def add_events(session, rows):
    if rows:
        session.execute(recipient_events.insert(), rows)


# Tracking (E-9) ----------------------------------------------------------------------------------------------------

def sent_recipients(session, ids):
    """``{id: {org_id, campaign_id, sent_at}}`` of the recipients among ``ids`` that exist."""
    if not ids:
        return {}
    rows = session.execute(sa.select(recipients.c.id, recipients.c.org_id, recipients.c.campaign_id,
                                     recipients.c.sent_at)
                           .where(recipients.c.id == sa.any_(_array("ids", ids)))).mappings().all()
    return {row["id"]: row for row in rows}


def add_counts(session, rows):
    """Adds each recipient's human opens and clicks (``rows``: recipient_id, opens, clicks, first_open, first_click,
    implied: 1 when a click counts as an open). The first times are kept (LEAST ignores NULLs)."""
    if not rows:
        return
    session.execute(
        recipients.update().where(recipients.c.id == sa.bindparam("recipient_id")).values(
            open_count=recipients.c.open_count + sa.bindparam("opens") + sa.case(
                (sa.and_(recipients.c.opened_at.is_(None), sa.bindparam("implied") == 1), 1), else_=0),
            opened_at=sa.func.least(recipients.c.opened_at, sa.bindparam("first_open", type_=sa.DateTime(True)),
                                    sa.bindparam("first_click", type_=sa.DateTime(True))),
            click_count=recipients.c.click_count + sa.bindparam("clicks"),
            clicked_at=sa.func.least(recipients.c.clicked_at, sa.bindparam("first_click", type_=sa.DateTime(True)))),
        rows)


# Reports -----------------------------------------------------------------------------------------------------------

def campaign(session, *, org_id, campaign_id):
    return session.execute(sa.select(campaigns.c.id, campaigns.c.kind, campaigns.c.name, campaigns.c.status,
                                     campaigns.c.subject, campaigns.c.started_at, campaigns.c.finished_at)
                           .where(campaigns.c.id == campaign_id, campaigns.c.org_id == org_id)).mappings().first()


def report_totals(session, *, actor, campaign_id):
    """The counts over the recipients of ``campaign_id`` the caller sees (one statement), and their bot hits (a second,
    from the campaign's events: bots are few beside the recipients)."""
    r = recipients.c
    shown = sa.and_(r.campaign_id == campaign_id, r.org_id == actor["org_id"],
                    contact_visible(r.contact_id, actor=actor))

    def count(condition=None):
        return sa.func.count() if condition is None else sa.func.count().filter(condition)

    row = session.execute(sa.select(
        count().label("recipients"),
        count(r.state == "sent").label("sent"),
        count(r.state == "failed").label("failed"),
        count(r.state == "suppressed").label("suppressed"),
        count(r.state.in_(("queued", "sending", "retry"))).label("pending"),
        count(r.opened_at.is_not(None)).label("opened"),
        count(r.clicked_at.is_not(None)).label("clicked"),
        count(r.unsubscribed_at.is_not(None)).label("unsubscribed"),
        count(r.bounced_at.is_not(None)).label("bounced"),
        sa.func.coalesce(sa.func.sum(r.open_count), 0).label("opens"),
        sa.func.coalesce(sa.func.sum(r.click_count), 0).label("clicks"),
    ).where(shown)).mappings().one()
    e = recipient_events.c
    bots = session.execute(sa.select(sa.func.count()).select_from(recipient_events)
                           .join(recipients, r.id == e.recipient_id)
                           .where(e.campaign_id == campaign_id, e.kind.in_(("open", "click")),
                                  e.bot_reason.is_not(None), shown)).scalar_one()
    return {**{key: int(value) for key, value in row.items()}, "bot_hits": int(bots)}


RECIPIENT_COLUMNS = ("id", "contact_id", "email", "state", "sent_at", "opened_at", "open_count", "clicked_at",
                     "click_count", "unsubscribed_at", "bounced_at", "last_error")


def recipients_page(session, *, actor, campaign_id, state, limit, offset):
    """``(rows, total)``: the recipients the caller sees, by address."""
    r = recipients.c
    where = [r.campaign_id == campaign_id, r.org_id == actor["org_id"], contact_visible(r.contact_id, actor=actor)]
    if state:
        where.append(r.state == state)
    total = session.execute(sa.select(sa.func.count()).select_from(recipients).where(*where)).scalar_one()
    rows = session.execute(sa.select(*(r[name] for name in RECIPIENT_COLUMNS)).where(*where)
                           .order_by(r.email_key, r.id).limit(limit).offset(offset)).mappings().all()
    return rows, total


def contact_emails(session, *, org_id, contact_id, limit, offset):
    """``(rows, total)``: the campaigns and one-to-one e-mails that went (or are going) to the contact, newest first."""
    r, c = recipients.c, campaigns.c
    where = [r.org_id == org_id, r.contact_id == contact_id]
    total = session.execute(sa.select(sa.func.count()).select_from(recipients).where(*where)).scalar_one()
    rows = session.execute(
        sa.select(c.id.label("campaign_id"), c.kind, c.name, c.subject, r.id.label("recipient_id"), r.email, r.state,
                  r.sent_at, r.opened_at, r.open_count, r.clicked_at, r.click_count, r.unsubscribed_at,
                  r.bounced_at)
        .join(campaigns, c.id == r.campaign_id).where(*where)
        .order_by(sa.func.coalesce(r.sent_at, c.started_at, c.created_at).desc(), r.id)
        .limit(limit).offset(offset)).mappings().all()
    return rows, total
