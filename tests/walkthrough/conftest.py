"""Fixtures of the README walkthrough: a mail catcher (scripts/mailsink.py, the one ``make run`` starts) and one
fresh system started as tests/e2e starts it (scripts/stack.py's ``fresh_stack``: every service and the gateway
as processes, on free ports, in a fresh database, vhost and Redis prefix), its invitations sent to the catcher.

The system runs with the settings the README tells a reader to start ``make run`` with to run every example:
``EXPORT_SYNC_MAX_ROWS=1``, so that the walkthrough's few contacts are enough for an export to become a job.
"""
import os

import pytest

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")  # before psycopg is imported (docs/stack-facts.md)

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
def stack(tmp_path_factory, mail_folder):
    log_path = tmp_path_factory.mktemp("logs") / "stack.log"
    with fresh_stack(log_path, SMTP_HOST="127.0.0.1", SMTP_PORT=mail_folder[1], **WALKTHROUGH_SETTINGS) as running:
        yield running
