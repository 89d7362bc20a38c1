"""``db.savepoint``: one item's failed writes are rolled back alone and the transaction goes on (N-1: an import's
rows); a refusal of the database comes out as ``StatementRefused``, anything else as itself."""
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from carnet_common import db

items = sa.Table("savepoint_items", sa.MetaData(schema="kit"), sa.Column("n", sa.Integer, primary_key=True))


@pytest.fixture(scope="module")
def table(engine, tables):
    with engine.begin() as conn:
        items.create(conn, checkfirst=True)
    return items


def stored(engine):
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(items.c.n)).scalars())


def test_a_refused_write_is_rolled_back_alone(engine, table):
    with engine.begin() as conn:
        conn.execute(items.delete())
    with Session(engine) as session, session.begin():
        with db.savepoint(session):
            session.execute(items.insert().values(n=1))
        with pytest.raises(db.StatementRefused):
            with db.savepoint(session):
                session.execute(items.insert().values(n=2))
                session.execute(items.insert().values(n=1))  # the key is taken: the database refuses
        with pytest.raises(ValueError):
            with db.savepoint(session):
                session.execute(items.insert().values(n=3))
                raise ValueError("a rule of the caller's")
        with db.savepoint(session):
            session.execute(items.insert().values(n=4))
    assert stored(engine) == [1, 4]
