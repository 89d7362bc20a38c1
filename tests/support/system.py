"""The system under test: service and gateway processes started as ``make run`` starts them
(scripts/stack.py), on free ports, in a fresh database, vhost and Redis prefix."""
import os

import pytest
from stack import fresh_stack

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")  # before psycopg is imported (docs/stack-facts.md)


def stack_starter(**defaults):
    """``start_stack(log_path, **settings)``: a fresh system (a context manager) with ``defaults`` under the
    given settings, for the suite's ``stack`` and for tests that need a short-lived system of their own."""
    def start_stack(log_path, **settings):
        return fresh_stack(log_path, **{**defaults, **settings})
    return start_stack


def session_stack(start_stack, **settings):
    """The ``stack`` fixture: one system started by ``start_stack`` with ``settings`` for the whole session."""
    @pytest.fixture(scope="session")
    def stack(tmp_path_factory):
        log_path = tmp_path_factory.mktemp("logs") / "stack.log"
        with start_stack(log_path, **settings) as running:
            yield running
    return stack


@pytest.fixture(scope="session")
def base_url(stack):
    return stack.url


def rows(stack, sql, **params):
    """The rows ``sql`` reads from ``stack``'s database (what a test checks beneath the API: nothing left behind)."""
    import sqlalchemy as sa

    from carnet_common.config import sqlalchemy_url

    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).all()
    finally:
        engine.dispose()
