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


@pytest.fixture(scope="session")
def relay():
    """The suite's real SMTP relay (aiosmtpd on loopback): what the campaigns service sent is read from it."""
    from carnet_testing.mail import smtp_relay

    with smtp_relay() as running:
        yield running


@pytest.fixture(scope="session")
def dns_zone():
    """The suite's real DNS server (dnslib on loopback, UDP and TCP), the campaigns service's resolver: tests publish
    sending domains' records in it (E-6)."""
    from carnet_testing.dns import dns_server

    with dns_server() as zone:
        yield zone


def mail_settings(relay, dns_zone):
    """The settings that point the campaigns service at the suite's relay and DNS server."""
    return {"CAMPAIGNS_SMTP_HOST": "127.0.0.1", "CAMPAIGNS_SMTP_PORT": str(relay.port),
            "CAMPAIGNS_DNS_SERVER": "127.0.0.1", "CAMPAIGNS_DNS_PORT": str(dns_zone.port)}


def session_stack_with_mail(start_stack, *, forms_relay=False, **settings):
    """``session_stack`` whose campaigns service sends to the suite's ``relay`` and resolves with its ``dns_zone``
    (the conftest imports those two fixtures from here too); with ``forms_relay``, the installation's relay
    (``SMTP_HOST``: double opt-in confirmations, task invitations) is that ``relay`` too."""
    @pytest.fixture(scope="session")
    def stack(tmp_path_factory, relay, dns_zone):
        log_path = tmp_path_factory.mktemp("logs") / "stack.log"
        extra = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(relay.port)} if forms_relay else {}
        with start_stack(log_path, **mail_settings(relay, dns_zone), **extra, **settings) as running:
            yield running
    return stack
