"""Configuration read at start-up and the event queues a service declares."""
from nameko.events import event_handler
from nameko.rpc import rpc

from carnet_common import config
from carnet_common.topology import event_queues
from carnet_testing import test_env as make_test_env


def test_plain_postgresql_urls_are_given_the_psycopg3_driver():
    assert config.sqlalchemy_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert config.sqlalchemy_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert config.sqlalchemy_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert config.sqlalchemy_url("sqlite://") == "sqlite://"


def test_environment_is_read_when_asked(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@y/z")
    monkeypatch.setenv("SOME_INT", "")
    monkeypatch.setenv("SOME_BOOL", " Yes ")
    assert config.database_url() == "postgresql+psycopg://x@y/z"
    assert config.env_int("SOME_INT", 7) == 7
    assert config.env_bool("SOME_BOOL", False) is True
    assert config.env_bool("MISSING_BOOL", True) is True


def test_test_env_points_a_process_at_the_runs_own_stores():
    env = make_test_env("postgresql://db", "amqp://vhost", "t_1:", EXTRA=5)

    assert env["DATABASE_URL"] == "postgresql://db"
    assert env["AMQP_URI"] == "amqp://vhost"
    assert env["CARNET_REDIS_PREFIX"] == "t_1:"
    assert env["PSYCOPG_WAIT_FUNC"] == "wait_select"
    assert env["EXTRA"] == "5"
    assert env["DOCUMENTS_DIR"].endswith("carnet-documents-t_1")


class Listener:
    name = "listener"

    @event_handler("identity", "user_created", requeue_on_error=True)
    def on_user_created(self, envelope):
        pass

    @event_handler("identity", "role_deleted", requeue_on_error=True)
    def on_role_deleted(self, envelope):
        pass

    @rpc
    def ping(self):
        return "pong"


def test_event_queues_are_the_ones_nameko_declares_for_each_handler():
    queues = event_queues(Listener, {"AMQP_URI": "memory://"})

    by_name = {queue.name: queue for queue in queues}
    assert set(by_name) == {"evt-identity-user_created--listener.on_user_created",
                            "evt-identity-role_deleted--listener.on_role_deleted"}
    queue = by_name["evt-identity-user_created--listener.on_user_created"]
    assert queue.exchange.name == "identity.events"
    assert queue.routing_key == "user_created"
    assert queue.durable
