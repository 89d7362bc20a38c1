"""Where an import's time goes (C-19), in process: a fresh migrated database (no services running), an organization
with 15 custom text fields, the workbook of ``run.py`` (``--rows`` × 30 columns, ``--bad`` % invalid emails), read
and checked (dry run) then written (import) by the imports' ``_batch`` exactly as the job does, under ``cProfile``.
Prints each phase's rows/s and its top functions by cumulative time, and the statements PostgreSQL ran most
(``pg_stat_statements`` is not installed: seconds per statement shape, timed around the cursor's execute).

    .venv/bin/python bench/imports/inprocess.py [--rows 5000] [--bad 5] [--top 25] [--explain] [--without-duplicates]

``--top 0``: timed without the profiler. ``--without-duplicates`` is a diagnostic, never a result: the duplicates
area's lookup (C-20) answers "none", to measure what reading, checking and writing cost without it.
"""
import argparse
import collections
import cProfile
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "imports"))

import sqlalchemy as sa  # noqa: E402
from run import CUSTOM, workbook  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from stack import ROOT as STACK_ROOT  # noqa: E402
from stack import SERVICES  # noqa: E402

from carnet_common.config import sqlalchemy_url  # noqa: E402
from carnet_contacts import models  # noqa: E402
from carnet_contacts.imports import sheet  # noqa: E402
from carnet_contacts.imports import usecases as imports  # noqa: E402
from carnet_testing import bootstrapped_env  # noqa: E402

CONTACTS = [service for service in SERVICES if service["name"] == "contacts"]


def setup(session):
    org, user = str(uuid.uuid4()), str(uuid.uuid4())
    actor = {"org_id": org, "user_id": user, "is_admin": True, "request_id": None, "subordinate_ids": [],
             "flags": {"all_contacts": True, "hierarchy_contacts": False, "own_records_only": False}}
    list_id = str(uuid.uuid4())
    session.execute(models.lists.insert().values(id=list_id, org_id=org, name="Import", private=False,
                                                 access_all_users=True, created_by=user))
    for i, key in enumerate(CUSTOM):
        session.execute(models.custom_fields.insert().values(
            id=str(uuid.uuid4()), org_id=org, module="contacts", key=key, type="text", label_fr=f"Champ {i:02d}",
            label_en=f"Field {i:02d}", hidden=False, position=i))
    session.commit()
    return actor, list_id


def phase(session, path, actor, list_id, *, dry_run, top, statements):
    definitions = imports._definitions(session, actor, "contact")
    book = sheet.Workbook(str(path))
    columns, _ = sheet.propose(book.headers, record_type="contact", custom_definitions=imports._labels(definitions))
    row = {"record_type": "contact", "columns": columns}
    import_id = str(uuid.uuid4())
    imports.repository.create(session, {"id": import_id, "org_id": actor["org_id"], "user_id": actor["user_id"],
                                        "record_type": "contact", "filename": "bench.xlsx", "size": 0,
                                        "state": "importing", "columns": columns, "problems": []})
    options = {"mapping": {c["column"]: c["proposed"] for c in columns}, "list_ids": [list_id], "mode": "create",
               "import_id": import_id}
    mapping = imports._mapping(row, options, definitions)
    result = imports.Report("fr", 0)
    statements.clear()
    profile = cProfile.Profile() if top else None
    started = time.perf_counter()
    if profile:
        profile.enable()
    batch = []
    for item in book.rows():
        batch.append(item)
        if len(batch) >= imports.BATCH:
            imports._batch(session, row, actor, options, mapping, definitions, batch, result, dry_run)
            session.commit()
            batch = []
    if batch:
        imports._batch(session, row, actor, options, mapping, definitions, batch, result, dry_run)
        session.commit()
    if profile:
        profile.disable()
    seconds = time.perf_counter() - started
    book.close()
    counts = {k: v for k, v in result.counts.items() if isinstance(v, int)}
    print(f"\n## {'dry run' if dry_run else 'import'}: {seconds:.1f} s, "
          f"{counts['processed'] / seconds:,.0f} rows/s, {counts}")
    print(f"statements: {sum(statements.values()):.1f} s; the longest in all:")
    for text, spent in statements.most_common(10):
        print(f"  {spent:7.2f} s  {text[:110]}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(top)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--bad", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest statement at the end")
    parser.add_argument("--without-duplicates", action="store_true",
                        help="diagnostic only: the duplicates area's lookup answers 'none' (what the rest costs)")
    args = parser.parse_args()
    if args.without_duplicates:
        imports.probable_duplicates = lambda session, record_type, *, actor, rows: [[] for _ in rows]
    with tempfile.TemporaryDirectory() as tmp, bootstrapped_env(CONTACTS, root=STACK_ROOT,
                                                                LOG_LEVEL="WARNING") as env:
        path = Path(tmp) / "bench.xlsx"
        workbook(path, args.rows, args.bad)
        engine = sa.create_engine(sqlalchemy_url(env["DATABASE_URL"]))
        statements = collections.Counter()

        def before(conn, cursor, text, params, context, many):
            conn.info["started"] = time.perf_counter()

        def after(conn, cursor, text, params, context, many):
            spent = time.perf_counter() - conn.info["started"]
            statements[" ".join(text.split())] += spent
            if not many and spent > slowest[0]:
                slowest[:] = [spent, text, params]
        slowest = [0.0, None, None]
        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)
        with Session(engine) as session:
            actor, list_id = setup(session)
            phase(session, path, actor, list_id, dry_run=True, top=args.top, statements=statements)
            phase(session, path, actor, list_id, dry_run=False, top=args.top, statements=statements)
            if args.explain and slowest[1]:
                print(f"\n## the slowest statement ({slowest[0]:.2f} s), explained:")
                cursor = session.connection().connection.cursor()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[1], slowest[2])
                print("\n".join(row[0] for row in cursor.fetchall()))
        engine.dispose()


if __name__ == "__main__":
    main()
