"""A RabbitMQ restart while a client writes (issue 10 §4, N-3): on a RabbitMQ node of the test's own.

Measured before the fix: ``rabbitmqctl stop_app``, 5 s, ``start_app`` killed the contacts service, which was
publishing an RPC reply at that moment, and every write after it got 503 for as long as anyone waited. Now every
process rides out the restart (or is restarted by its supervisor, as ``make run`` and Kubernetes do): writes are
answered again within 30 s of the broker's return, none is lost or created twice when the client retries with its
``Idempotency-Key``, every service answers RPC again (the gateway's ``/readyz``), and the events written meanwhile
are relayed and handled (the outbox relay survived the closed connection).
"""
import pytest
import requests
import sqlalchemy as sa
from faults import RECOVERY_SECONDS, assert_rode_out, start_writer, statuses, supervised_stack

from carnet_common import db
from carnet_testing import eventually, fresh_database
from carnet_testing.servers import private_rabbitmq

WRITES = 80   # enough for writes before, during and after the restart; the suite stays short


@pytest.fixture(scope="module")
def on_private_rabbitmq(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("logs") / "rabbitmq-faults-stack.log"
    with private_rabbitmq() as server, fresh_database() as database_url:
        with supervised_stack(log_path, database_url=database_url, amqp_uri=server.amqp_uri,
                              LOG_LEVEL="WARNING") as stack:
            yield stack, server, database_url


def _unrelayed_events(engine):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM contacts.outbox WHERE published_at IS NULL")).scalar()


def _contact_events_not_handled_by_opportunities(engine):
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) FROM contacts.outbox o WHERE o.event_type = 'contact_created' AND NOT EXISTS "
            "(SELECT 1 FROM opportunities.inbox i WHERE i.event_id = o.id)")).scalar()


def test_a_broker_restart_is_ridden_out_without_a_lost_or_doubled_write(on_private_rabbitmq):
    stack, server, database_url = on_private_rabbitmq
    writer = start_writer(stack.url, count=WRITES)
    writer.wait_for(20)
    back_at = server.restart(down_for=5)
    assert_rode_out(writer, back_at=back_at)
    print("answers by status:", statuses(writer))

    eventually(lambda: requests.get(stack.url + "/readyz", timeout=10).status_code == 200,
               timeout=RECOVERY_SECONDS, what="every service answering RPC again")
    engine = db.get_engine(database_url)
    eventually(lambda: _unrelayed_events(engine), lambda n: n == 0, timeout=RECOVERY_SECONDS,
               what="contacts' outbox relayed")
    eventually(lambda: _contact_events_not_handled_by_opportunities(engine), lambda n: n == 0,
               timeout=RECOVERY_SECONDS, what="opportunities handled every contact_created")
