"""The queries of documents (C-21): folders, documents, attachments, usage per uploader. The only module of the area
that builds SQL (docs/conventions.md), the visibility of a document included (``document_visible``).
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_contacts.documents.tables import document_attachments, document_folders, document_usage, documents
from carnet_contacts.models import account_members, accounts, contacts, list_members
from carnet_contacts.records import repository as records
from carnet_contacts.records.repository import visibility

RECORDS = {"contact": (contacts, list_members, "contact_id"), "account": (accounts, account_members, "account_id")}


# Visibility (DOC-1, S-3, issue 12) -------------------------------------------------------------------------------

def _attachment_seen(attachment, *, actor, list_ids, readable):
    """EXISTS-able: the record ``attachment`` names is one the caller sees, of a type their role may read."""
    seen = [sa.and_(attachment.c.record_type == record_type,
                    visibility.seen(table, members, key, attachment.c.record_id, actor=actor, list_ids=list_ids))
            for record_type, (table, members, key) in RECORDS.items() if record_type in readable]
    return sa.or_(*seen) if seen else sa.false()


def document_visible(*, actor, list_ids, readable):
    """Predicate on ``documents``: the caller's organization's (DOC-1), and either attached to no record (the
    organization's file manager) or attached to at least one record the caller sees and may read (``readable``:
    the record types their role reads). A document attached only to records hidden from them is hidden too: a
    document says something about the records it is attached to."""
    attached = document_attachments.alias("attached")
    seen = document_attachments.alias("seen")
    return sa.and_(
        documents.c.org_id == actor["org_id"],
        sa.or_(~sa.exists(sa.select(1).where(attached.c.document_id == documents.c.id)),
               sa.exists(sa.select(1).where(seen.c.document_id == documents.c.id,
                                            _attachment_seen(seen, actor=actor, list_ids=list_ids,
                                                             readable=readable)))))


def record_visible(session, record_type, record_id, *, actor, list_ids):
    """The record, when the caller sees it (records' own rule), else None."""
    return records.get_visible(session, record_type, record_id, actor=actor, list_ids=list_ids)


# Documents ---------------------------------------------------------------------------------------------------------

def insert_document(session, values):
    session.execute(documents.insert().values(**values))


def get_document(session, document_id, *, actor, list_ids, readable, for_update=False):
    query = sa.select(documents).where(documents.c.id == document_id,
                                       document_visible(actor=actor, list_ids=list_ids, readable=readable))
    if for_update:
        query = query.with_for_update(of=documents)
    return session.execute(query).mappings().first()


def list_documents(session, *, actor, list_ids, readable, folder_id=None, record=None, limit=1000):
    """The visible documents of a folder (None: the root), or attached to ``record`` (``(type, id)``), by name."""
    query = sa.select(documents).where(document_visible(actor=actor, list_ids=list_ids, readable=readable))
    if record is not None:
        query = query.where(sa.exists(sa.select(1).where(
            document_attachments.c.document_id == documents.c.id,
            document_attachments.c.record_type == record[0], document_attachments.c.record_id == record[1])))
    elif folder_id is None:
        query = query.where(documents.c.folder_id.is_(None))
    else:
        query = query.where(documents.c.folder_id == folder_id)
    query = query.order_by(sa.func.lower(documents.c.name), documents.c.id).limit(limit)
    return session.execute(query).mappings().all()


def update_document(session, document_id, values):
    session.execute(documents.update().where(documents.c.id == document_id)
                    .values(**values, updated_at=sa.func.now()))


def delete_document(session, document_id):
    session.execute(documents.delete().where(documents.c.id == document_id))


# Attachments -------------------------------------------------------------------------------------------------------

def attachments_of(session, document_ids, *, actor, list_ids, readable):
    """``{document_id: [{record_type, record_id}, …]}``: the attachments whose records the caller sees."""
    found = {document_id: [] for document_id in document_ids}
    if not document_ids:
        return found
    a = document_attachments
    rows = session.execute(
        sa.select(a.c.document_id, a.c.record_type, a.c.record_id)
        .where(a.c.document_id.in_(list(document_ids)),
               _attachment_seen(a, actor=actor, list_ids=list_ids, readable=readable))
        .order_by(a.c.created_at, a.c.record_type, a.c.record_id)).all()
    for document_id, record_type, record_id in rows:
        found[document_id].append({"record_type": record_type, "record_id": record_id})
    return found


def attach(session, *, org_id, document_id, record_type, record_id, user_id):
    """True when the attachment is new (attaching twice changes nothing)."""
    row = session.execute(insert(document_attachments).values(
        document_id=document_id, record_type=record_type, record_id=record_id, org_id=org_id, attached_by=user_id)
        .on_conflict_do_nothing().returning(document_attachments.c.document_id)).first()
    return row is not None


def detach(session, *, document_id, record_type, record_id):
    a = document_attachments
    return session.execute(a.delete().where(a.c.document_id == document_id, a.c.record_type == record_type,
                                            a.c.record_id == record_id).returning(a.c.document_id)).first() is not None


def record_attachments(session, *, org_id, record_type, record_id):
    """Every attachment of a record (whoever sees the documents): what a merge moves."""
    a = document_attachments
    return session.execute(sa.select(a).where(a.c.org_id == org_id, a.c.record_type == record_type,
                                              a.c.record_id == record_id).order_by(a.c.document_id)).mappings().all()


def repoint_attachments(session, *, org_id, record_type, from_id, to_id, document_ids):
    a = document_attachments
    if document_ids:
        session.execute(a.update().where(a.c.org_id == org_id, a.c.record_type == record_type,
                                         a.c.record_id == from_id, a.c.document_id.in_(list(document_ids)))
                        .values(record_id=to_id))


def insert_attachments(session, rows):
    if rows:
        session.execute(insert(document_attachments).values(list(rows)).on_conflict_do_nothing())


def delete_attachments(session, *, org_id, record_type, record_id, document_ids):
    a = document_attachments
    if document_ids:
        session.execute(a.delete().where(a.c.org_id == org_id, a.c.record_type == record_type,
                                         a.c.record_id == record_id, a.c.document_id.in_(list(document_ids))))


# Folders -----------------------------------------------------------------------------------------------------------

def insert_folder(session, values):
    session.execute(document_folders.insert().values(**values))


def get_folder(session, org_id, folder_id, *, for_update=False):
    query = sa.select(document_folders).where(document_folders.c.org_id == org_id, document_folders.c.id == folder_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def list_folders(session, org_id):
    f = document_folders
    return session.execute(sa.select(f).where(f.c.org_id == org_id)
                           .order_by(sa.func.lower(f.c.name), f.c.id)).mappings().all()


def ancestor_ids(session, org_id, folder_id):
    """``folder_id`` and every folder above it (a recursive walk up the tree)."""
    f = document_folders
    walk = sa.select(f.c.id, f.c.parent_id).where(f.c.org_id == org_id, f.c.id == folder_id).cte(recursive=True)
    up = f.alias("up")
    walk = walk.union(sa.select(up.c.id, up.c.parent_id).where(up.c.id == walk.c.parent_id))
    return {row[0] for row in session.execute(sa.select(walk.c.id))}


def name_taken(session, org_id, parent_id, name, *, except_id=None):
    f = document_folders
    query = sa.select(f.c.id).where(f.c.org_id == org_id, sa.func.lower(f.c.name) == name.lower(),
                                    f.c.parent_id.is_(None) if parent_id is None else f.c.parent_id == parent_id)
    if except_id is not None:
        query = query.where(f.c.id != except_id)
    return session.execute(query.limit(1)).first() is not None


def update_folder(session, folder_id, values):
    session.execute(document_folders.update().where(document_folders.c.id == folder_id)
                    .values(**values, updated_at=sa.func.now()))


def folder_contents(session, org_id, folder_id):
    """``(subfolders, documents)`` counts of a folder, whoever sees the documents."""
    sub = session.execute(sa.select(sa.func.count()).where(document_folders.c.org_id == org_id,
                                                           document_folders.c.parent_id == folder_id)).scalar()
    docs = session.execute(sa.select(sa.func.count()).where(documents.c.org_id == org_id,
                                                            documents.c.folder_id == folder_id)).scalar()
    return sub, docs


def delete_folder(session, folder_id):
    session.execute(document_folders.delete().where(document_folders.c.id == folder_id))


# Usage per uploader (DOC-2) --------------------------------------------------------------------------------------

def lock_usage(session, org_id, user_id):
    """The bytes ``user_id`` stores, their usage row locked until the transaction ends (created at 0 if absent):
    two uploads of one user wait for each other's check, so together they never pass the quota."""
    session.execute(insert(document_usage).values(org_id=org_id, user_id=user_id, bytes=0).on_conflict_do_nothing())
    return session.execute(sa.select(document_usage.c.bytes).where(
        document_usage.c.org_id == org_id, document_usage.c.user_id == user_id).with_for_update()).scalar()


def add_usage(session, org_id, user_id, delta):
    u = document_usage
    session.execute(u.update().where(u.c.org_id == org_id, u.c.user_id == user_id)
                    .values(bytes=sa.func.greatest(u.c.bytes + delta, 0)))


def usage(session, org_id, user_id):
    u = document_usage
    return session.execute(sa.select(u.c.bytes).where(u.c.org_id == org_id, u.c.user_id == user_id)).scalar() or 0


def existing_documents(session, org_id, document_ids):
    if not document_ids:
        return set()
    return {row[0] for row in session.execute(sa.select(documents.c.id).where(
        documents.c.org_id == org_id, documents.c.id.in_(list(document_ids))))}
