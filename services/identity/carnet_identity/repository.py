"""The only module of identity that builds queries."""
import sqlalchemy as sa

from carnet_identity.models import audit_log, organizations, recovery_codes, roles, users

# What leaves the user's row for reads: never the password hash nor the second factor's secrets.
SECRET_COLUMNS = ("password_hash", "totp_secret", "totp_pending_secret", "totp_last_step")
USER_COLUMNS = [c for c in users.c if c.name not in SECRET_COLUMNS]


def get_organization(session, org_id):
    return session.execute(sa.select(organizations).where(organizations.c.id == org_id)).mappings().first()


def insert(session, table, values):
    session.execute(table.insert().values(**values))


def update(session, table, row_id, values, *, org_id=None):
    query = table.update().where(table.c.id == row_id).values(**values, updated_at=sa.func.now())
    if org_id is not None:
        query = query.where(table.c.org_id == org_id)
    session.execute(query)


def find_user_by_username(session, username):
    return session.execute(
        sa.select(users).where(sa.func.lower(users.c.username) == username.lower())).mappings().first()


def username_taken(session, username, *, except_id=None):
    query = sa.select(users.c.id).where(sa.func.lower(users.c.username) == username.lower())
    if except_id:
        query = query.where(users.c.id != except_id)
    return session.execute(query).first() is not None


def get_user(session, *, org_id, user_id, for_update=False):
    query = sa.select(*USER_COLUMNS).where(users.c.id == user_id, users.c.org_id == org_id,
                                           users.c.deleted_at.is_(None))
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def get_user_with_secrets(session, user_id, *, for_update=False):
    """The whole row, hash and second factor included: for the use cases that check them."""
    query = sa.select(users).where(users.c.id == user_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def user_states(session, *, org_id, user_ids):
    """``id`` and ``active`` of the organization's users (not deleted) among ``user_ids``."""
    if not user_ids:
        return []
    return session.execute(sa.select(users.c.id, users.c.active).where(
        users.c.org_id == org_id, users.c.id.in_(sorted(set(user_ids))), users.c.deleted_at.is_(None))).mappings().all()


def get_user_any_org(session, user_id):
    return session.execute(sa.select(*USER_COLUMNS).where(users.c.id == user_id)).mappings().first()


def list_users(session, *, org_id, page, per_page, q=None, active=None):
    where = [users.c.org_id == org_id, users.c.deleted_at.is_(None)]
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(sa.or_(sa.func.lower(users.c.username).like(pattern),
                            sa.func.lower(users.c.full_name).like(pattern)))
    if active is not None:
        where.append(users.c.active.is_(active))
    total = session.execute(sa.select(sa.func.count()).select_from(users).where(*where)).scalar_one()
    rows = session.execute(
        sa.select(*USER_COLUMNS).where(*where).order_by(sa.func.lower(users.c.username), users.c.id)
        .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return rows, total


def count_active_users(session, org_id):
    return session.execute(sa.select(sa.func.count()).select_from(users).where(
        users.c.org_id == org_id, users.c.active.is_(True), users.c.deleted_at.is_(None))).scalar_one()


def count_active_admins(session, org_id):
    return session.execute(sa.select(sa.func.count()).select_from(users).where(
        users.c.org_id == org_id, users.c.active.is_(True), users.c.is_admin.is_(True),
        users.c.deleted_at.is_(None))).scalar_one()


def manager_chain(session, manager_id):
    """Ids from ``manager_id`` up to the top of the hierarchy (S-5)."""
    top = sa.select(users.c.id, users.c.manager_id).where(users.c.id == manager_id).cte(
        "chain", recursive=True)
    up = top.union(sa.select(users.c.id, users.c.manager_id).join(top, users.c.id == top.c.manager_id))
    return [row.id for row in session.execute(sa.select(up.c.id))]


def subordinate_ids(session, user_id):
    """Every user below ``user_id`` in the hierarchy (S-5), at any depth."""
    below = sa.select(users.c.id).where(users.c.manager_id == user_id).cte("below", recursive=True)
    below = below.union(sa.select(users.c.id).join(below, users.c.manager_id == below.c.id))
    return sorted(row.id for row in session.execute(sa.select(below.c.id)))


def get_role(session, *, org_id, role_id, for_update=False):
    query = sa.select(roles).where(roles.c.id == role_id, roles.c.org_id == org_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def list_roles(session, org_id):
    counts = (sa.select(users.c.role_id, sa.func.count().label("n")).where(users.c.deleted_at.is_(None))
              .group_by(users.c.role_id).subquery())
    return session.execute(
        sa.select(roles, sa.func.coalesce(counts.c.n, 0).label("user_count"))
        .outerjoin(counts, counts.c.role_id == roles.c.id)
        .where(roles.c.org_id == org_id).order_by(sa.func.lower(roles.c.name))).mappings().all()


def role_name_taken(session, *, org_id, name, except_id=None):
    query = sa.select(roles.c.id).where(roles.c.org_id == org_id, sa.func.lower(roles.c.name) == name.lower())
    if except_id:
        query = query.where(roles.c.id != except_id)
    return session.execute(query).first() is not None


def role_holders(session, role_id):
    return session.execute(sa.select(sa.func.count()).select_from(users).where(
        users.c.role_id == role_id, users.c.deleted_at.is_(None))).scalar_one()


def delete_role(session, role_id):
    # Deleted users keep their row (S-1) and so their role_id: let go of it, or the foreign key refuses.
    session.execute(users.update().where(users.c.role_id == role_id, users.c.deleted_at.is_not(None))
                    .values(role_id=None))
    session.execute(roles.delete().where(roles.c.id == role_id))


def add_audit(session, values):
    session.execute(sa.dialects.postgresql.insert(audit_log).values(**values).on_conflict_do_nothing())


def list_audit(session, *, org_id, page, per_page):
    where = audit_log.c.org_id == org_id
    total = session.execute(sa.select(sa.func.count()).select_from(audit_log).where(where)).scalar_one()
    rows = session.execute(sa.select(audit_log).where(where)
                           .order_by(audit_log.c.occurred_at.desc(), audit_log.c.event_id)
                           .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return rows, total


def get_organization_for_update(session, org_id):
    return session.execute(
        sa.select(organizations.c.id).where(organizations.c.id == org_id).with_for_update()).first()


# Second factor (S-10) ---------------------------------------------------------------------------

def replace_recovery_codes(session, user_id, code_hashes):
    session.execute(recovery_codes.delete().where(recovery_codes.c.user_id == user_id))
    if code_hashes:
        session.execute(recovery_codes.insert(), [{"user_id": user_id, "code_hash": h} for h in code_hashes])


def use_recovery_code(session, user_id, code_hash):
    """Spends the code if it is the user's and unused; True when it was (one statement: two concurrent logins
    cannot both spend it)."""
    spent = session.execute(
        recovery_codes.update().where(recovery_codes.c.user_id == user_id, recovery_codes.c.code_hash == code_hash,
                                      recovery_codes.c.used_at.is_(None))
        .values(used_at=sa.func.now()).returning(recovery_codes.c.code_hash)).first()
    return spent is not None


def recovery_codes_left(session, user_id):
    return session.execute(sa.select(sa.func.count()).select_from(recovery_codes).where(
        recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None))).scalar_one()
