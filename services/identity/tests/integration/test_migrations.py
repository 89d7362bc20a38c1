"""Data the migrations correct: audit entries written before revision 0002 named a user's role as the subject of
``user_created``/``user_updated`` (issue 10 §5)."""
import json
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from carnet_common.config import sqlalchemy_url
from carnet_testing import fresh_database

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def upgrade(conn, revision):
    cfg = Config(str(ALEMBIC_INI))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)
    conn.commit()


def test_revision_0002_names_the_user_as_the_subject_of_their_earlier_entries():
    with fresh_database("carnet_identity_mig") as url:
        engine = create_engine(sqlalchemy_url(url))
        with engine.connect() as conn:
            upgrade(conn, "0001")
            entry = "INSERT INTO identity.audit_log VALUES (:id, 'o1', :type, 'admin', :subject, :details, now())"
            conn.execute(text(entry), {"id": "e1", "type": "user_updated", "subject": "role-1",
                                       "details": json.dumps({"id": "user-1", "role_id": "role-1"})})
            conn.execute(text(entry), {"id": "e2", "type": "role_deleted", "subject": "role-1",
                                       "details": json.dumps({"role_id": "role-1"})})
            conn.commit()

            upgrade(conn, "head")

            subjects = dict(conn.execute(text("SELECT event_id, subject_id FROM identity.audit_log")).all())
        engine.dispose()
    assert subjects == {"e1": "user-1", "e2": "role-1"}
