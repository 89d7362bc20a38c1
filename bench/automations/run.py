"""Benchmark of an automation's run (AU-1): the work of an ``automation_run`` job (``usecases.run_job``: the selection,
then the lifecycle area's bulk copy in batches of 500, each committed with its history and outbox rows), in process,
on a fresh database built by the migrations, over a source list of ``--contacts`` contacts (seeded with SQL) of which
``--match`` per cent match the criteria. Run twice: the first copies, the second finds them in the target already
and adds nothing (the idempotence a second run relies on).

    .venv/bin/python bench/automations/run.py [--contacts 20000] [--match 50]

Without the service around it (no identity check, no eventlet): the floor of a job's time. Prints a Markdown table
(seconds, contacts matched per second, added, peak RSS of this process).
"""
import argparse
import os
import resource
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
import sysinfo  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from carnet_common.bootstrap import migrate  # noqa: E402
from carnet_common.config import sqlalchemy_url  # noqa: E402
from carnet_contacts.automations import usecases  # noqa: E402
from carnet_testing import fresh_database  # noqa: E402


def _actor():
    return {"org_id": str(uuid.uuid4()), "user_id": str(uuid.uuid4()), "is_admin": True,
            "flags": {"all_contacts": True, "hierarchy_contacts": False, "own_records_only": False},
            "subordinate_ids": [], "timezone": "America/Toronto"}


def _seed(engine, actor, *, contacts, match):
    """Two lists (both selected by the actor) and ``contacts`` contacts in the first, ``match`` % titled "VIP"."""
    source, target = str(uuid.uuid4()), str(uuid.uuid4())
    with engine.begin() as conn:
        for list_id, name in ((source, "Source"), (target, "Cible")):
            conn.execute(sa.text("INSERT INTO contacts.lists (id, org_id, name, access_all_users, private, created_by) "
                                 "VALUES (:id, :org, :name, true, false, :user)"),
                         {"id": list_id, "org": actor["org_id"], "name": name, "user": actor["user_id"]})
            conn.execute(sa.text("INSERT INTO contacts.selected_lists (user_id, list_id) VALUES (:user, :id)"),
                         {"user": actor["user_id"], "id": list_id})
        conn.execute(sa.text(
            "INSERT INTO contacts.contacts (id, org_id, first_name, last_name, title, subscribed, is_primary, status, "
            "custom, search_norm, title_norm, email_norm, phone_digits, eff_city_norm, eff_street_norm, version) "
            "SELECT md5(:org || g), :org, 'Prénom' || g, 'Nom' || g, "
            "CASE WHEN g % 100 < :match THEN 'VIP' ELSE 'Autre' END, true, false, 'active', '{}', "
            "'prenom' || g || ' nom' || g, CASE WHEN g % 100 < :match THEN 'vip' ELSE 'autre' END, '', '', '', '', 1 "
            "FROM generate_series(1, :n) g"), {"org": actor["org_id"], "n": contacts, "match": match})
        conn.execute(sa.text("INSERT INTO contacts.list_members (list_id, contact_id) "
                             "SELECT :list, id FROM contacts.contacts WHERE org_id = :org"),
                     {"list": source, "org": actor["org_id"]})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:   # the statistics of a live base
        conn.execute(sa.text("ANALYZE contacts.contacts, contacts.list_members"))
    return source, target


def _run(engine, actor, automation_id, job_id):
    params = {"automation_id": automation_id, "job_id": job_id, "actor": actor, "unreadable": []}
    reports = []
    start = time.perf_counter()
    with Session(engine) as session:
        usecases.run_job(session, params, None, lambda done, total: reports.append((done, total)))
        seconds = time.perf_counter() - start
        run = session.execute(sa.text("SELECT last_run FROM contacts.automations WHERE id = :id"),
                              {"id": automation_id}).scalar()
    return seconds, run, len(reports)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--match", type=int, default=50, help="per cent of the contacts that match")
    args = parser.parse_args()
    with fresh_database() as url:
        url = sqlalchemy_url(url)
        migrate(str(ROOT / "services/contacts/alembic.ini"), url)
        engine = sa.create_engine(url)
        actor = _actor()
        source, target = _seed(engine, actor, contacts=args.contacts, match=args.match)
        with Session(engine) as session, session.begin():
            automation = usecases.create_automation(session, actor=actor, data={
                "name": "bench", "source_list_id": source, "target_list_id": target, "on_change": False,
                "criteria": {"field": "title", "cmp": "eq", "value": "VIP"}})
        rows = []
        for label in ("first run (copies)", "second run (adds nothing)"):
            seconds, run, reports = _run(engine, actor, automation["id"], f"contacts:{uuid.uuid4()}")
            rows.append((label, seconds, run["matched"], run["added"], reports))
        with engine.connect() as conn:
            in_target = conn.execute(sa.text("SELECT count(*) FROM contacts.list_members WHERE list_id = :t"),
                                     {"t": target}).scalar()
            events = conn.execute(sa.text("SELECT count(*) FROM contacts.outbox")).scalar()
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"# Automation run (AU-1): {args.contacts:,} contacts in the source list, {args.match} % matching\n")
    box = sysinfo.machine()
    print(f"Machine: {box['nproc']} CPU ({box['cpu_model']}), {box['memory_gib']} GiB, load average before "
          f"{' '.join(box['loadavg_before'])} (a box shared with other work).\n")
    print("| run | seconds | matched | added | matched/s | progress reports |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, seconds, matched, added, reports in rows:
        print(f"| {label} | {seconds:.2f} | {matched:,} | {added:,} | {matched / seconds:,.0f} | {reports} |")
    print(f"\nIn the target list afterwards: {in_target:,}; membership_changed events written: {events:,}; "
          f"peak RSS of the process: {peak:.0f} MiB (pid {os.getpid()}).")


if __name__ == "__main__":
    main()
