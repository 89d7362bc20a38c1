"""SQL of the unsubscribes area: the contact's row, locked for the change (the rest is records' repository)."""
import sqlalchemy as sa

from carnet_contacts.models import contacts


def contact_for_update(session, *, org_id, contact_id):
    """The contact (deleted or not: one restored from the trash stays unsubscribed), locked, or None."""
    return session.execute(sa.select(contacts).where(contacts.c.id == contact_id, contacts.c.org_id == org_id)
                           .with_for_update()).mappings().first()
