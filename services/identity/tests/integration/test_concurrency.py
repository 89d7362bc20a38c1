"""A worker waiting on PostgreSQL does not stall the others (PSYCOPG_WAIT_FUNC=wait_select, docs/stack-facts.md)."""
import time

import sqlalchemy as sa

from carnet_testing import eventually


def backends_waiting_on_a_lock(identity):
    with identity.engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )).scalar_one()


def test_a_worker_blocked_in_the_database_leaves_other_workers_answering(identity, make_org):
    blocked, other = make_org(), make_org()
    member = blocked.add_user()
    with identity.engine.connect() as long_transaction, identity.proxy() as cluster:
        long_transaction.execute(sa.text("SELECT id FROM identity.organizations WHERE id = :org FOR UPDATE"),
                                 {"org": blocked.id})
        stuck = cluster.identity.update_user.call_async(blocked.admin, member["id"], {"all_contacts": True})
        assert eventually(lambda: backends_waiting_on_a_lock(identity)), "the update never reached the database"

        started = time.monotonic()
        assert cluster.identity.ping() == "pong"
        assert cluster.identity.get_user(other.admin, other.admin_user["id"])["id"] == other.admin_user["id"]
        assert cluster.identity.list_users(other.admin)["total"] == 1
        answered_in = time.monotonic() - started

        long_transaction.rollback()
        assert stuck.result()["all_contacts"] is True

    assert answered_in < 2, f"other workers waited {answered_in:.1f} s behind a blocked query"
