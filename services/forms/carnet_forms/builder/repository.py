"""The builder area's SQL (the only code of the area that builds SQL: docs/conventions.md, "Repositories build the
SQL"). ``current_version_by_key`` is the intake area's way in: the version a public key serves (F-2)."""
from datetime import datetime, timezone

import sqlalchemy as sa

from carnet_forms.builder.tables import form_versions, forms


def now():
    return datetime.now(timezone.utc)


def insert_form(session, values):
    session.execute(forms.insert().values(**values))


def get_form(session, *, org_id, form_id, for_update=False):
    """The organization's form ``form_id``, or None (another organization's is none)."""
    query = sa.select(forms).where(forms.c.id == form_id, forms.c.org_id == org_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def forms_of_org(session, org_id):
    """The organization's forms, most recently changed first."""
    return session.execute(sa.select(forms).where(forms.c.org_id == org_id)
                           .order_by(forms.c.updated_at.desc(), forms.c.id)).mappings().all()


def update_form(session, form_id, values):
    session.execute(forms.update().where(forms.c.id == form_id).values(**values))


def delete_form(session, form_id):
    """The form and its versions (the foreign key cascades)."""
    session.execute(forms.delete().where(forms.c.id == form_id))


def insert_version(session, values):
    session.execute(form_versions.insert().values(**values))


def last_version_number(session, form_id):
    """The highest version number of the form (0 before its first publish)."""
    return session.execute(sa.select(sa.func.coalesce(sa.func.max(form_versions.c.number), 0))
                           .where(form_versions.c.form_id == form_id)).scalar_one()


def versions(session, form_id):
    """The form's versions, newest first, without their definitions."""
    return session.execute(
        sa.select(form_versions.c.number, form_versions.c.published_at, form_versions.c.published_by)
        .where(form_versions.c.form_id == form_id).order_by(form_versions.c.number.desc())).mappings().all()


def version(session, form_id, number):
    return session.execute(sa.select(form_versions).where(form_versions.c.form_id == form_id,
                                                          form_versions.c.number == number)).mappings().first()


def current_version_by_key(session, form_key):
    """What the public side serves for ``form_key`` (F-2): ``{form_id, org_id, key, status, number, definition,
    webhook_secret}`` of its current version, or None for an unknown key or a form never published. An
    unpublished form is returned with its status (the caller answers 404 for it)."""
    row = session.execute(
        sa.select(forms.c.id.label("form_id"), forms.c.org_id, forms.c.key, forms.c.status,
                  form_versions.c.number, form_versions.c.definition, forms.c.webhook_secret)
        .select_from(forms.join(form_versions, sa.and_(form_versions.c.form_id == forms.c.id,
                                                       form_versions.c.number == forms.c.current_version)))
        .where(forms.c.key == form_key)).mappings().first()
    return dict(row) if row is not None else None
