"""Fixtures of the README walkthrough: a mail catcher (scripts/mailsink.py, the one ``make run`` starts), the local
DNS server ``make run`` starts (scripts/devdns.py: sending domains' records, E-6) and one
fresh system started as tests/e2e starts it (scripts/stack.py's ``fresh_stack``: every service and the gateway
as processes, on free ports, in a fresh database, vhost and Redis prefix), its invitations and campaigns sent to the
catcher and its sending domains checked against that DNS server.

The system runs with the settings the README tells a reader to start ``make run`` with to run every example:
``EXPORT_SYNC_MAX_ROWS=1``, so that the walkthrough's few contacts are enough for an export to become a job.
"""
import os

import pytest

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")  # before psycopg is imported (docs/stack-facts.md)

import devdns  # noqa: E402
import mailsink  # noqa: E402
from stack import fresh_stack  # noqa: E402

WALKTHROUGH_SETTINGS = {"EXPORT_SYNC_MAX_ROWS": 1, "LOG_LEVEL": "WARNING"}


@pytest.fixture(scope="session")
def mail_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mail")
    catcher = mailsink.start(folder, port=0)
    yield folder, catcher.port
    catcher.stop()


@pytest.fixture(scope="session")
def dns_file(tmp_path_factory):
    """``(records file, port)`` of a running scripts/devdns.py server."""
    path = tmp_path_factory.mktemp("dns") / "dns.json"
    server = devdns.start(path, port=0)
    yield path, server.port
    server.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, mail_folder, dns_file):
    log_path = tmp_path_factory.mktemp("logs") / "stack.log"
    with fresh_stack(log_path, SMTP_HOST="127.0.0.1", SMTP_PORT=mail_folder[1], CAMPAIGNS_SMTP_HOST="127.0.0.1",
                     CAMPAIGNS_SMTP_PORT=mail_folder[1], CAMPAIGNS_DNS_SERVER="127.0.0.1",
                     CAMPAIGNS_DNS_PORT=dns_file[1], **WALKTHROUGH_SETTINGS) as running:
        yield running
