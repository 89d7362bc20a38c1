"""A dependency going away is an outage the caller may retry, never a bug (issue 10 §4, N-1): a database restart
under a request is ``ServiceUnavailable("database_unavailable")`` (the gateway's 503 with ``Retry-After``), not an
error nameko reports as a 502; a reply the broker cannot take any more is lost, not the service's process."""
import kombu.exceptions
import psycopg
import pytest
from psycopg import errors as pg_errors
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from carnet_common import db
from carnet_common.entrypoints import ReplyResponder, rpc_method
from carnet_common.errors import Conflict, ServiceUnavailable


def wrapped(error):
    """SQLAlchemy's wrapping of a psycopg error, as a statement raises it."""
    return OperationalError("INSERT …", {}, error)


OUTAGES = [
    pytest.param(wrapped(pg_errors.AdminShutdown("terminating connection due to administrator command")),
                 id="restart-mid-statement"),
    pytest.param(wrapped(pg_errors.CannotConnectNow("the database system is starting up")), id="starting-up"),
    pytest.param(wrapped(psycopg.OperationalError("connection failed: Connection refused")), id="refused"),
    pytest.param(wrapped(pg_errors.ConnectionFailure("server closed the connection")), id="class-08"),
    pytest.param(psycopg.OperationalError("consuming input failed: server closed the connection"), id="unwrapped"),
    pytest.param(PoolTimeout("QueuePool limit reached, connection timed out"), id="pool-timeout"),
]
NOT_OUTAGES = [
    pytest.param(wrapped(pg_errors.DeadlockDetected("deadlock detected")), id="deadlock"),
    pytest.param(wrapped(pg_errors.QueryCanceled("canceling statement due to statement timeout")), id="timeout"),
    pytest.param(ProgrammingError("SELECT …", {}, pg_errors.UndefinedTable("no such table")), id="bug"),
]


@pytest.mark.parametrize("error", OUTAGES)
def test_a_database_outage_is_recognised(error):
    assert db.is_outage(error)


@pytest.mark.parametrize("error", NOT_OUTAGES)
def test_a_refused_statement_is_not_an_outage(error):
    assert not db.is_outage(error)


def raising(error):
    def method(self):
        raise error
    method.__name__ = "create_contact"
    return rpc_method(method)


@pytest.mark.parametrize("error", OUTAGES)
def test_an_rpc_method_answers_a_database_outage_as_unavailable(error):
    with pytest.raises(ServiceUnavailable) as caught:
        raising(error)(object())
    assert caught.value.code == "database_unavailable"


def test_other_database_errors_keep_their_meaning():
    with pytest.raises(ServiceUnavailable) as caught:
        raising(wrapped(pg_errors.QueryCanceled("canceling statement due to statement timeout")))(object())
    assert caught.value.code == "query_too_slow"
    unique = IntegrityError("INSERT …", {}, pg_errors.UniqueViolation("duplicate key"))
    with pytest.raises(Conflict):
        raising(unique)(object())
    with pytest.raises(OperationalError):     # a deadlock is not the database being away: a bug to look at
        raising(wrapped(pg_errors.DeadlockDetected("deadlock detected")))(object())


class BrokerGone:
    def __init__(self, amqp_uri, **options):
        pass

    def publish(self, payload, **options):
        raise kombu.exceptions.OperationalError("[Errno 111] ECONNREFUSED")


class Message:
    properties = {"content_type": "application/json", "reply_to": "rpc.reply-gateway-1", "correlation_id": "c-1"}


def test_a_reply_the_broker_cannot_take_is_lost_without_ending_the_service(monkeypatch):
    """nameko let the publish error end the worker's container: the service's process exited (issue 10 §4)."""
    monkeypatch.setattr(ReplyResponder, "publisher_cls", BrokerGone)
    responder = ReplyResponder("amqp://x", "nameko-rpc", None, Message())
    assert responder.send_response({"id": "c-9"}, None) == ({"id": "c-9"}, None)
