"""The intake area's SQL (the only code of the area that builds SQL).

Forms and their versions are the builder area's tables (``builder.tables``): read here for the organization check of
the admin RPCs and a released submission's version, looked up when called (the area's tables module is filled by
its own migration)."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_forms.builder import tables as builder_tables
from carnet_forms.intake.tables import form_views, submissions

SUMMARY_COLUMNS = ("id", "org_id", "form_id", "version", "received_at", "channel", "status", "reasons", "data",
                   "meta", "language", "contact_id", "applied_at", "consent", "released_by", "released_at",
                   "discarded_by", "discarded_at")


# Forms (the builder area's) -----------------------------------------------------------------------------------------

def form_in_org(session, *, org_id, form_id):
    """Whether ``form_id`` is a form of ``org_id`` (another organization's is as unknown as none)."""
    forms = builder_tables.forms
    return session.execute(sa.select(sa.literal(True)).where(forms.c.id == form_id, forms.c.org_id == org_id)
                           ).scalar() is not None


def version_definition(session, *, form_id, number):
    """The definition of ``form_id``'s published version ``number`` (None if there is none)."""
    versions = builder_tables.form_versions
    return session.execute(sa.select(versions.c.definition).where(versions.c.form_id == form_id,
                                                                  versions.c.number == number)).scalar()


# Views ----------------------------------------------------------------------------------------------------------------

def count_view(session, *, form_id, period):
    """One view of ``form_id`` in the quarter of an hour starting at ``period`` (one statement, no lost update)."""
    statement = insert(form_views).values(form_id=form_id, period=period, views=1)
    session.execute(statement.on_conflict_do_update(index_elements=[form_views.c.form_id, form_views.c.period],
                                                    set_={"views": form_views.c.views + 1}))


def views_by_day(session, *, form_id, start, end, timezone):
    """``{date: views}`` of ``form_id`` from ``start`` to ``end`` (aware datetimes, end excluded), each quarter of an
    hour counted on its day in ``timezone``."""
    day = sa.cast(sa.func.timezone(timezone, form_views.c.period), sa.Date).label("day")
    rows = session.execute(sa.select(day, sa.func.sum(form_views.c.views))
                           .where(form_views.c.form_id == form_id, form_views.c.period >= start,
                                  form_views.c.period < end).group_by(day)).all()
    return {row[0]: int(row[1]) for row in rows}


# Submissions ----------------------------------------------------------------------------------------------------------

_inserts = {}   # the conditional insert per set of columns, built once: compiled once, then from SQLAlchemy's cache


def _insert_if_current(names):
    """``INSERT … SELECT :values WHERE`` the form is published at ``:current_version``, as bound parameters (values
    inlined as literals made each statement's cache key hash them: 40 % of the submit path's CPU)."""
    statement = _inserts.get(names)
    if statement is None:
        forms = builder_tables.forms
        current = sa.select(sa.literal_column("1")).where(
            forms.c.id == sa.bindparam("current_form_id", type_=forms.c.id.type), forms.c.status == "published",
            forms.c.current_version == sa.bindparam("current_version", type_=sa.Integer)).exists()
        values = sa.select(*(sa.bindparam(name, type_=submissions.c[name].type) for name in names)).where(current)
        statement = _inserts[names] = (submissions.insert().from_select(list(names), values)
                                       .returning(submissions.c.id))
    return statement


def insert_submission(session, row):
    """Stores ``row`` only if its form is still published at its version, checked in the same statement (the submit
    path may have read the form from ``published.PublishedForms``): whether it was stored."""
    statement = _insert_if_current(tuple(row))
    params = {**row, "current_form_id": row["form_id"], "current_version": row["version"]}
    return session.execute(statement, params).first() is not None


def submission(session, *, org_id, form_id, submission_id, for_update=False):
    s = submissions.c
    statement = sa.select(*(s[name] for name in SUMMARY_COLUMNS)).where(
        s.id == submission_id, s.form_id == form_id, s.org_id == org_id)
    if for_update:
        statement = statement.with_for_update()
    return session.execute(statement).mappings().first()


def submissions_page(session, *, org_id, form_id, status, after, limit):
    """Up to ``limit`` submissions of the form, newest first (``received_at``, then ``id``: a stable order for the
    cursor), after ``after`` (``(received_at, id)`` of the previous page's last row) when given."""
    s = submissions.c
    where = [s.form_id == form_id, s.org_id == org_id]
    if status:
        where.append(s.status == status)
    if after is not None:
        where.append(sa.tuple_(s.received_at, s.id) < sa.tuple_(sa.literal(after[0], sa.DateTime(timezone=True)),
                                                                 sa.literal(after[1], s.id.type)))
    return session.execute(sa.select(*(s[name] for name in SUMMARY_COLUMNS)).where(*where)
                           .order_by(s.received_at.desc(), s.id.desc()).limit(limit)).mappings().all()


def update_submission(session, submission_id, **values):
    """Sets ``values`` on the submission; its row as it is now."""
    s = submissions.c
    return session.execute(submissions.update().where(s.id == submission_id).values(**values)
                           .returning(*(s[name] for name in SUMMARY_COLUMNS))).mappings().first()


def submissions_by_day(session, *, form_id, start, end, timezone):
    """``{date: {status: count}}`` of ``form_id``'s submissions received from ``start`` to ``end`` (end excluded),
    each on its day in ``timezone``."""
    s = submissions.c
    day = sa.cast(sa.func.timezone(timezone, s.received_at), sa.Date).label("day")
    rows = session.execute(sa.select(day, s.status, sa.func.count())
                           .where(s.form_id == form_id, s.received_at >= start, s.received_at < end)
                           .group_by(day, s.status)).all()
    found = {}
    for day_, status, count in rows:
        found.setdefault(day_, {})[status] = int(count)
    return found


# For the other areas (names fixed by the design) ------------------------------------------------------------------

def form_counts(session, org_id, form_ids):
    """``{form_id: {views, submissions, quarantined}}`` of the forms among ``form_ids`` (every one named, zeros
    included): the builder's list of forms (F-4)."""
    form_ids = [str(form_id) for form_id in form_ids]
    counts = {form_id: {"views": 0, "submissions": 0, "quarantined": 0} for form_id in form_ids}
    if not form_ids:
        return counts
    s = submissions.c
    for form_id, total, quarantined in session.execute(
            sa.select(s.form_id, sa.func.count(), sa.func.count().filter(s.status == "quarantined"))
            .where(s.org_id == org_id, s.form_id.in_(form_ids))
            .group_by(s.form_id)).all():
        counts[str(form_id)].update(submissions=int(total), quarantined=int(quarantined))
    v = form_views.c
    for form_id, views in session.execute(
            sa.select(v.form_id, sa.func.sum(v.views))
            .where(v.form_id.in_(form_ids))
            .group_by(v.form_id)).all():
        counts[str(form_id)]["views"] = int(views)
    return counts


def submission_count(session, form_id):
    """How many submissions ``form_id`` has, whatever their status (a form with any is unpublished, not deleted)."""
    return int(session.execute(sa.select(sa.func.count()).select_from(submissions)
                               .where(submissions.c.form_id == form_id)).scalar())


def mark_applied(session, submission_id, contact_id, at):
    """The contact a submission became (the effects area, on ``contacts.form_submission_applied``); the submission's
    row after it (None for an unknown id). Applying again sets the same values."""
    return update_submission(session, submission_id, contact_id=contact_id, applied_at=at)


def delete_views(session, form_id):
    """Forgets the views of a form being deleted (the builder's ``delete_form``: a form with submissions is never
    deleted, so its views are all that intake keeps of it)."""
    session.execute(form_views.delete().where(form_views.c.form_id == form_id))
