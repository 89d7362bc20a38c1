"""Benchmark of merges (C-20): how long a preview, a merge and its undo take over RPC (the contacts service as a
process, as the integration tests start it) for a loser with many history entries, relations and lists.

    .venv/bin/python bench/merges/run.py [--history 10000] [--relations 500] [--lists 50] [--rounds 3]

Each round merges a fresh pair and undoes it. The history entries and relations are seeded with SQL (what the merge
moves is rows, however they were written); the records and lists through the service. Prints a Markdown table.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import sqlalchemy as sa  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from stack import SERVICES  # noqa: E402

from carnet_common.config import sqlalchemy_url  # noqa: E402
from carnet_testing import bootstrapped_env, rpc_config, running_services  # noqa: E402

CONTACTS = [service for service in SERVICES if service["name"] == "contacts"]


def _actor():
    return {"org_id": str(uuid.uuid4()), "user_id": str(uuid.uuid4()), "is_admin": True, "request_id": None,
            "flags": {"all_contacts": True, "hierarchy_contacts": False, "own_records_only": False},
            "subordinate_ids": []}


def _seed(rpc, engine, actor, list_ids, *, history, relations):
    winner = rpc.create_contact(actor, {"list_ids": list_ids[:1], "last_name": "Gagnon", "first_name": "Émile"})
    loser = rpc.create_contact(actor, {"list_ids": list_ids, "last_name": "Gagnon", "email": "e@example.com"})
    others = [str(uuid.uuid4()) for _ in range(relations)]
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO contacts.history (org_id, record_type, record_id, user_id, field, old, new) "
            "SELECT :org, 'contact', :id, :user, 'title', to_jsonb('T' || g), to_jsonb('T' || (g + 1)) "
            "FROM generate_series(1, :n) g"), {"org": actor["org_id"], "id": loser["id"], "user": actor["user_id"],
                                               "n": history})
        if others:
            conn.execute(sa.text(
                "INSERT INTO contacts.contacts (id, org_id, last_name, subscribed, is_primary, status, custom, "
                "search_norm, title_norm, email_norm, phone_digits, eff_city_norm, eff_street_norm, version) "
                "SELECT unnest(CAST(:ids AS text[])), :org, 'Autre', true, false, 'active', '{}', 'autre', '', '', "
                "'', '', '', 1"), {"ids": others, "org": actor["org_id"]})
            conn.execute(sa.text("INSERT INTO contacts.list_members (list_id, contact_id) "
                                 "SELECT :list, unnest(CAST(:ids AS text[]))"), {"ids": others, "list": list_ids[0]})
            conn.execute(sa.text(
                "INSERT INTO contacts.relations (contact_a, contact_b, org_id, label) "
                "SELECT LEAST(o, :id), GREATEST(o, :id), :org, 'Lien' FROM unnest(CAST(:ids AS text[])) o"),
                {"ids": others, "id": loser["id"], "org": actor["org_id"]})
    return rpc.get_contact(actor, winner["id"]), rpc.get_contact(actor, loser["id"])


def _timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - start) * 1000, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=10_000)
    parser.add_argument("--relations", type=int, default=500)
    parser.add_argument("--lists", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with bootstrapped_env(CONTACTS, root=ROOT, LOG_LEVEL="WARNING") as env, \
            running_services(CONTACTS, root=ROOT, env=env, log_dir=Path(tempfile.mkdtemp())), \
            ClusterRpcProxy(rpc_config(env), timeout=120) as proxy:
        rpc = proxy.contacts
        engine = sa.create_engine(sqlalchemy_url(env["DATABASE_URL"]))
        timings = {"preview": [], "merge": [], "undo": []}
        for _ in range(args.rounds):
            actor = _actor()
            list_ids = [rpc.create_list(actor, {"name": f"L{i}", "access_all_users": True})["id"]
                        for i in range(args.lists)]
            winner, loser = _seed(rpc, engine, actor, list_ids, history=args.history, relations=args.relations)
            query = {"record_type": "contact", "winner_id": winner["id"], "loser_id": loser["id"]}
            ms, preview = _timed(rpc.preview_merge, actor, query)
            assert preview["moves"]["relations"] == args.relations
            timings["preview"].append(ms)
            ms, merged = _timed(rpc.merge_records, actor, {
                **query, "winner_version": winner["version"], "loser_version": loser["version"]})
            timings["merge"].append(ms)
            ms, _ = _timed(rpc.undo_merge, actor, merged["id"], ["contact", "account"])
            timings["undo"].append(ms)
            assert len(rpc.list_contact_relations(actor, loser["id"])) == args.relations
        engine.dispose()
    print(f"Loser with {args.history:,} history entries, {args.relations:,} relations, {args.lists} lists; "
          f"{args.rounds} rounds (ms, over RPC)\n")
    print("| operation | median | max |\n|---|---:|---:|")
    for name, values in timings.items():
        print(f"| {name} | {statistics.median(values):.0f} | {max(values):.0f} |")


if __name__ == "__main__":
    main()
