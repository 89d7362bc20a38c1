"""The queries of customization (C-12, C-14, C-15): custom field definitions, saved filters, layouts and each
user's sort; the only module of the area that builds SQL (docs/conventions.md)."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_contacts.models import accounts, contacts, custom_fields, layouts, saved_filters, user_sorts
from carnet_contacts.records.repository import ICU, now


def custom_field_rows(session, *, org_id, module, for_update=False):
    query = (sa.select(custom_fields).where(custom_fields.c.org_id == org_id, custom_fields.c.module == module)
             .order_by(custom_fields.c.position, custom_fields.c.key))
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().all()


def custom_field_rows_by_module(session, *, org_id, modules):
    rows = session.execute(sa.select(custom_fields).where(custom_fields.c.org_id == org_id,
                                                          custom_fields.c.module.in_(list(modules)))
                           ).mappings().all()
    result = {module: {} for module in modules}
    for row in rows:
        result[row["module"]][row["key"]] = row
    return result


def lock_custom_fields(session, *, org_id, module):
    """Serialise additions per organization and module, so two at once cannot pass the limit of 70."""
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"custom_fields:{org_id}:{module}"))))


def insert_custom_field(session, values):
    """False when the key is already taken in this organization and module."""
    statement = (insert(custom_fields).values(**values)
                 .on_conflict_do_nothing(constraint="custom_fields_key").returning(custom_fields.c.id))
    return session.execute(statement).first() is not None


def update_custom_field(session, field_id, values):
    session.execute(custom_fields.update().where(custom_fields.c.id == field_id).values(**values))


def delete_custom_field(session, *, org_id, module, key):
    """The definition and every value of it (C-14: a deleted field leaves nothing behind)."""
    session.execute(custom_fields.delete().where(custom_fields.c.org_id == org_id,
                                                 custom_fields.c.module == module, custom_fields.c.key == key))
    table = {"contacts": contacts, "accounts": accounts}.get(module)
    if table is not None:
        session.execute(table.update().where(table.c.org_id == org_id, table.c.custom.has_key(key))
                        .values(custom=table.c.custom - key))


def saved_filter_rows(session, *, user_id, module):
    return session.execute(sa.select(saved_filters).where(saved_filters.c.user_id == user_id,
                                                          saved_filters.c.module == module)
                           .order_by(saved_filters.c.name.collate(ICU), saved_filters.c.id)).mappings().all()


def get_saved_filter(session, *, user_id, module, filter_id):
    return session.execute(sa.select(saved_filters).where(
        saved_filters.c.id == filter_id, saved_filters.c.user_id == user_id,
        saved_filters.c.module == module)).mappings().first()


def delete_saved_filter(session, filter_id):
    session.execute(saved_filters.delete().where(saved_filters.c.id == filter_id))


def get_layout(session, *, org_id, module):
    return session.execute(sa.select(layouts.c.columns).where(layouts.c.org_id == org_id,
                                                              layouts.c.module == module)).scalar()


def put_layout(session, *, org_id, module, columns):
    statement = insert(layouts).values(org_id=org_id, module=module, columns=columns)
    session.execute(statement.on_conflict_do_update(index_elements=[layouts.c.org_id, layouts.c.module],
                                                    set_={"columns": columns, "updated_at": now()}))


def get_user_sort(session, *, user_id, module):
    return session.execute(sa.select(user_sorts.c.sort).where(user_sorts.c.user_id == user_id,
                                                              user_sorts.c.module == module)).scalar()


def put_user_sort(session, *, user_id, module, sort):
    statement = insert(user_sorts).values(user_id=user_id, module=module, sort=sort)
    session.execute(statement.on_conflict_do_update(index_elements=[user_sorts.c.user_id, user_sorts.c.module],
                                                    set_={"sort": sort}))


def insert_saved_filter(session, values):
    session.execute(saved_filters.insert().values(**values))


def update_saved_filter(session, filter_id, values):
    """``values`` and ``updated_at`` stamped now."""
    session.execute(saved_filters.update().where(saved_filters.c.id == filter_id).values(**values, updated_at=now()))
