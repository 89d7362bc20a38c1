"""The list's O-4 order (issue 5): a page of few hits (sorted in memory) and a page walked along the indexes of
migration 0007 are both exactly the former sort's (1..99 % first by oldest close date, then 0 % and 100 % by newest,
no close date last, then created_at and id), page by page, with and without a stage filter, over mixed stages,
missing and equal close dates and equal creation times; visibility unchanged; the planner walks an index instead of
sorting; past 10,000 hits the total is the estimate, flagged. Against the service as a process with real PostgreSQL
and RabbitMQ; rows are written straight into the table to control dates and ties."""
import datetime
import json
import uuid

import pytest
import sqlalchemy as sa
from opp_helpers import make_actor, seed_account, uid

from carnet_opportunities.opportunities import repository

# The ORDER BY of the list before migration 0007, as it was written (the reference).
FORMER_ORDER = """CASE WHEN probability BETWEEN 1 AND 99 THEN 0 ELSE 1 END,
    CASE WHEN probability BETWEEN 1 AND 99 THEN close_date END ASC NULLS LAST,
    CASE WHEN probability NOT BETWEEN 1 AND 99 THEN close_date END DESC NULLS LAST, created_at, id"""
CLOSE_DATES = [None, datetime.date(2025, 3, 1), datetime.date(2025, 3, 1), datetime.date(2024, 12, 31),
               datetime.date(2026, 1, 15), None, datetime.date(2025, 3, 1)]
T0 = datetime.datetime(2025, 1, 1, 9, tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="module")
def world(opp_rpc, opp_publish, opp_engine):
    """An organization with 7 opportunities per stage on a visible account (equal close dates, no close date,
    equal creation times), plus some the user may not see (another list's account, deleted)."""
    org = uid("org")
    visible_account, _ = seed_account(opp_publish, opp_engine, org, list_ids=["L1"], with_contact=False)
    hidden_account, _ = seed_account(opp_publish, opp_engine, org, list_ids=["L2"], with_contact=False)
    user = make_actor(org, list_ids=["L1"])
    stages = {s["probability"]: s["id"] for s in opp_rpc.list_stages(user)}
    rows, shown = [], []
    for probability, stage_id in stages.items():
        for n, close_date in enumerate(CLOSE_DATES):
            row = _row(org, visible_account, stage_id, probability, close_date, T0 + datetime.timedelta(hours=n % 2))
            rows.append(row)
            shown.append(row)
        rows.append(_row(org, hidden_account, stage_id, probability, CLOSE_DATES[1], T0))
        rows.append({**_row(org, visible_account, stage_id, probability, None, T0), "deleted_at": T0})
    with opp_engine.begin() as conn:
        conn.execute(sa.text("""INSERT INTO opportunities.opportunities (id, org_id, title, account_id, stage_id,
            probability, close_date, total, source, custom, version, created_at, updated_at, deleted_at)
            VALUES (:id, :org_id, :title, :account_id, :stage_id, :probability, :close_date, 0, 'crm',
                    CAST(:custom AS jsonb), 1, :created_at, :created_at, :deleted_at)"""), rows)
        conn.execute(sa.text("ANALYZE opportunities.opportunities"))  # the plans below weigh the indexes by it
    return {"org": org, "user": user, "stages": stages, "shown": shown}


def _row(org, account_id, stage_id, probability, close_date, created_at):
    return {"id": uuid.uuid4().hex, "org_id": org, "title": f"{probability} % {close_date}", "account_id": account_id,
            "stage_id": stage_id, "probability": probability, "close_date": close_date, "custom": json.dumps({}),
            "created_at": created_at, "deleted_at": None}


def _former(engine, actor, stage_id=None):
    """The ids the former query listed: the same visibility (repository.filters), the former ORDER BY."""
    query = sa.select(repository.opportunities.c.id).where(*repository.filters(actor, stage_id=stage_id))
    with engine.connect() as conn:
        return list(conn.execute(query.order_by(sa.text(FORMER_ORDER))).scalars())


def _pages(rpc, actor, per_page, **filters):
    first = rpc.search_opportunities(actor, {**filters, "page": 1, "per_page": per_page})
    pages = [first]
    while len(pages) * per_page < first["total"]:
        pages.append(rpc.search_opportunities(actor, {**filters, "page": len(pages) + 1, "per_page": per_page}))
    return first["total"], [[item["id"] for item in page["items"]] for page in pages]


def _o4_key(row):
    """O-4 as docs/rules/opportunities-and-tasks.md states it, read literally (dates only: ties are the tie-break's)."""
    date = row["close_date"]
    if 1 <= row["probability"] <= 99:
        return 0, date is None, date.toordinal() if date else 0
    return 1, date is None, -date.toordinal() if date else 0


def test_the_whole_list_pages_exactly_as_the_former_sort(opp_rpc, opp_engine, world):
    former = _former(opp_engine, world["user"])
    assert sorted(former) == sorted(row["id"] for row in world["shown"])  # visibility: no hidden, no deleted
    total, pages = _pages(opp_rpc, world["user"], 9)
    assert total == len(former) == 56
    assert pages == [former[i:i + 9] for i in range(0, len(former), 9)]
    by_id = {row["id"]: row for row in world["shown"]}
    keys = [_o4_key(by_id[i]) for i in former]
    assert keys == sorted(keys) and keys[0][0] == 0 and keys[-1][0] == 1


@pytest.mark.parametrize("probability", [0, 10, 60, 100])
def test_a_stage_pages_exactly_as_the_former_sort(opp_rpc, opp_engine, world, probability):
    stage_id = world["stages"][probability]
    former = _former(opp_engine, world["user"], stage_id)
    total, pages = _pages(opp_rpc, world["user"], 3, stage=stage_id)
    assert total == len(former) == len(CLOSE_DATES)
    assert pages == [former[i:i + 3] for i in range(0, len(former), 3)]
    dates = [row["close_date"] for i in former for row in world["shown"] if row["id"] == i]
    known = [d for d in dates if d is not None]
    assert dates[-2:] == [None, None]
    assert known == sorted(known, reverse=probability in (0, 100))


@pytest.mark.parametrize("stage", [None, 25, 100])
def test_the_page_walks_an_o4_index_without_sorting(opp_engine, world, stage):
    """The ORDER BY must match the expressions migration 0007 indexes (same literals): with sorts priced out,
    the planner still finds a plan without one only if an index yields the order."""
    stage_id = world["stages"][stage] if stage is not None else None
    query = repository.page_query(repository.filters(world["user"], stage_id=stage_id), page=2, per_page=3)
    compiled = query.compile(dialect=opp_engine.dialect, compile_kwargs={"render_postcompile": True})
    with opp_engine.connect() as conn:
        conn.execute(sa.text("SET LOCAL enable_sort = off"))
        plan = "\n".join(conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).scalars())
        conn.rollback()
    assert "Sort" not in plan, plan
    assert ("opportunities_o4_stage" if stage is not None else "opportunities_o4 ") in plan, plan


@pytest.mark.parametrize("stage", [None, 40, 0])
def test_the_index_walk_pages_exactly_as_the_former_sort(opp_engine, world, stage):
    """The page query of many hits (repository.page_query), which the small lists above do not take."""
    stage_id = world["stages"][stage] if stage is not None else None
    former = _former(opp_engine, world["user"], stage_id)
    where = repository.filters(world["user"], stage_id=stage_id)
    with opp_engine.connect() as conn:
        pages = [[row.id for row in conn.execute(repository.page_query(where, page=n, per_page=4))]
                 for n in range(1, len(former) // 4 + 2)]
    assert [i for page in pages for i in page] == former
    assert pages[:-1] == [former[i:i + 4] for i in range(0, len(pages[:-1]) * 4, 4)]


@pytest.fixture(scope="module")
def crowd(opp_rpc, opp_publish, opp_engine):
    """An organization with 10,400 visible opportunities over its 8 stages (one close date in 9 missing)."""
    org = uid("org")
    account_id, _ = seed_account(opp_publish, opp_engine, org, list_ids=["L1"], with_contact=False)
    user = make_actor(org, list_ids=["L1"])
    stages = {s["probability"]: s["id"] for s in opp_rpc.list_stages(user)}
    with opp_engine.begin() as conn:
        conn.execute(sa.text("""INSERT INTO opportunities.opportunities (id, org_id, title, account_id, stage_id,
            probability, close_date, total, source, custom, version, created_at, updated_at)
            SELECT md5(n::text), :org, 'n' || n, :account, s.id, s.probability,
                   CASE WHEN n % 9 = 0 THEN NULL ELSE DATE '2025-01-01' + (n * 7919) % 700 END, 0, 'crm', '{}', 1,
                   :t0, :t0
            FROM generate_series(1, 10400) AS n
            JOIN opportunities.stages s
              ON s.org_id = :org AND s.probability = (ARRAY[0, 10, 25, 40, 60, 80, 90, 100])[1 + n % 8]
            """), {"org": org, "account": account_id, "t0": T0})
        conn.execute(sa.text("ANALYZE opportunities.opportunities"))
    return {"user": user, "stages": stages}


def test_past_10000_hits_the_total_is_an_estimate_and_the_pages_keep_the_order(opp_rpc, opp_engine, crowd):
    former = _former(opp_engine, crowd["user"])
    assert len(former) == 10400
    first = opp_rpc.search_opportunities(crowd["user"], {"per_page": 50})
    assert first["total_capped"] is True and first["total"] > 10_000
    assert [item["id"] for item in first["items"]] == former[:50]
    third = opp_rpc.search_opportunities(crowd["user"], {"page": 3, "per_page": 50})
    assert [item["id"] for item in third["items"]] == former[100:150]
    last = opp_rpc.search_opportunities(crowd["user"], {"page": 209, "per_page": 50})  # 10,400 = 208 × 50 + 0
    assert (last["items"], last["total_capped"]) == ([], True)
    stage = crowd["stages"][100]
    in_stage = _former(opp_engine, crowd["user"], stage)
    page = opp_rpc.search_opportunities(crowd["user"], {"stage": stage, "page": 2, "per_page": 50})
    assert (page["total"], page["total_capped"]) == (len(in_stage), False) and len(in_stage) == 1300
    assert [item["id"] for item in page["items"]] == in_stage[50:100]
    tail = opp_rpc.search_opportunities(crowd["user"], {"page": 70, "per_page": 150})  # 10,400 = 69 × 150 + 50
    assert (tail["total"], tail["total_capped"]) == (10400, False)  # a short page is the last: exact
    assert [item["id"] for item in tail["items"]] == former[-50:]
