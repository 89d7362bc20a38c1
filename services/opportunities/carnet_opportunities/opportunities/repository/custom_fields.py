"""The queries of opportunity custom fields (C-14) over ``models.custom_fields`` and the opportunities' ``custom``."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_opportunities.models import custom_fields, opportunities


def field_rows(session, *, org_id, module, for_update=False):
    query = (sa.select(custom_fields).where(custom_fields.c.org_id == org_id, custom_fields.c.module == module)
             .order_by(custom_fields.c.position, custom_fields.c.key))
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().all()


def lock_fields(session, *, org_id, module):
    """Serialise additions per organization and module, so two at once cannot pass the limit of 70."""
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"custom_fields:{org_id}:{module}"))))


def insert_field(session, values):
    """False when the key is already taken in this organization and module."""
    statement = (insert(custom_fields).values(**values)
                 .on_conflict_do_nothing(constraint="custom_fields_key").returning(custom_fields.c.id))
    return session.execute(statement).first() is not None


def update_field(session, field_id, values):
    session.execute(custom_fields.update().where(custom_fields.c.id == field_id).values(**values))


def delete_field(session, *, org_id, module, key):
    """The definition and its value on every opportunity of the organization (C-14: nothing left behind)."""
    session.execute(custom_fields.delete().where(custom_fields.c.org_id == org_id, custom_fields.c.module == module,
                                                 custom_fields.c.key == key))
    session.execute(opportunities.update().where(opportunities.c.org_id == org_id,
                                                 opportunities.c.custom.has_key(key))
                    .values(custom=opportunities.c.custom - key))
