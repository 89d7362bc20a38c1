"""Documents' metadata in the running contacts service (C-21, DOC-2): the quota check holds under concurrent uploads
of one user (a row lock, not a read then a write), and the merges area's ``move_attachments`` /
``restore_attachments`` contract (C-20: a merged record's documents follow it and come back on undo)."""
import uuid
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from contacts_helpers import expect, make_actor
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy.orm import Session

from carnet_common.errors import InvalidInput
from carnet_contacts.documents import usecases
from carnet_contracts.documents import StorageQuotaExceeded
from carnet_testing import rpc_config

READABLE = ["contact", "account"]


def _file(size, **extra):
    return {"name": "a.pdf", "size": size, "content_type": "application/pdf",
            "storage_key": f"org/{uuid.uuid4().hex}", "quota": 1000, **extra}


def test_concurrent_uploads_of_one_user_never_pass_the_quota(service_env, rpc, engine):
    actor = make_actor(is_admin=True)

    def create(_):
        with ClusterRpcProxy(rpc_config(service_env), timeout=20) as proxy:
            try:
                return proxy.contacts.create_document(actor, _file(400), READABLE)["id"]
            except StorageQuotaExceeded as exc:
                return exc
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(create, range(6)))
    created = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, StorageQuotaExceeded)]
    assert len(created) == 2 and len(refused) == 4
    assert all(int(exc.params["quota"]) == 1000 and int(exc.params["usage"]) == 800 for exc in refused)
    assert rpc.get_document_usage(actor, 1000) == {"usage": 800, "quota": 1000}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM contacts.documents WHERE org_id = :o"),
                            {"o": actor["org_id"]}).scalar() == 2


def test_a_refused_registration_writes_nothing(rpc, engine):
    actor = make_actor(is_admin=True)
    with expect(InvalidInput):
        rpc.create_document(actor, _file(10, folder_id="nope"), READABLE)
    with expect(InvalidInput):
        rpc.create_document(actor, _file(10, contact_id="nope"), READABLE)
    assert rpc.get_document_usage(actor, 1000)["usage"] == 0


def test_move_attachments_and_restore_them(rpc, engine):
    admin = make_actor(is_admin=True)
    shared = rpc.create_list(admin, {"name": "Shared", "access_all_users": True})["id"]
    winner, loser = (rpc.create_contact(admin, {"last_name": name, "list_ids": [shared]}) for name in ("W", "L"))
    only_loser = rpc.create_document(admin, _file(1, contact_id=loser["id"]), READABLE)
    on_both = rpc.create_document(admin, _file(1, contact_id=loser["id"]), READABLE)
    rpc.attach_document(admin, on_both["id"], {"record_type": "contact", "record_id": winner["id"]}, READABLE)
    own = rpc.create_document(admin, _file(1, contact_id=winner["id"]), READABLE)

    def attached(record):
        return {d["id"] for d in rpc.list_documents(admin, {"contact_id": record["id"]}, READABLE)}

    with Session(engine) as session, session.begin():
        moved = usecases.move_attachments(session, org_id=admin["org_id"], record_type="contact",
                                          from_id=loser["id"], to_id=winner["id"])
    assert moved == {"moved": [only_loser["id"]], "dropped": [on_both["id"]]}
    assert attached(winner) == {only_loser["id"], on_both["id"], own["id"]}
    assert attached(loser) == set()
    with Session(engine) as session, session.begin():
        back = usecases.restore_attachments(session, org_id=admin["org_id"], record_type="contact",
                                            from_id=loser["id"], to_id=winner["id"], moved=moved,
                                            user_id=admin["user_id"])
    assert back == moved
    assert attached(loser) == {only_loser["id"], on_both["id"]}
    assert attached(winner) == {on_both["id"], own["id"]}
