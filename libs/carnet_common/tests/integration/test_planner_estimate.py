"""planner_estimate compiles each shape of query once (SQLAlchemy's compiled cache) and still plans each call with
that call's values."""
import pytest
import sqlalchemy as sa
from sqlalchemy.engine.interfaces import CacheStats
from sqlalchemy.orm import Session

from carnet_common import db

numbers = sa.Table("numbers", sa.MetaData(schema="kit"), sa.Column("n", sa.Integer), sa.Column("tags", sa.Text))


@pytest.fixture(scope="module")
def table(engine, tables):
    with engine.begin() as conn:
        numbers.create(conn, checkfirst=True)
        conn.execute(numbers.delete())
        conn.execute(numbers.insert(), [{"n": i, "tags": f"t{i % 7}"} for i in range(5000)])
        conn.execute(sa.text("ANALYZE kit.numbers"))
    return numbers


def test_each_call_is_planned_with_its_values_from_one_cached_compilation(engine, table):
    def query(limit, tags):
        return sa.select(table.c.n).where(table.c.n < limit, table.c.tags == sa.any_(
            sa.bindparam("tags", tags, type_=sa.ARRAY(sa.Text), unique=True)))

    with Session(engine) as session:
        few = db.planner_estimate(session, query(50, ["t1", "t2"]))
        many = db.planner_estimate(session, query(4000, ["t1", "t2", "t3", "t4", "t5", "t6"]))
        assert few < 40 and many > 2500, (few, many)
        result = session.execute(db._Explain(query(10, ["t1"])))
        assert result.context.cache_hit == CacheStats.CACHE_HIT
