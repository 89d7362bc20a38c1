"""Benchmark of the open pixel (E-9, issue 13: >= 1,000 req/s through the gateway): a fresh stack (every service and
the gateway as ``make run`` starts them: gunicorn gthread, 2 workers × ``GATEWAY_THREADS``), a sent
campaign of ``--recipients`` recipients written as the campaigns area's send writes it, then ``--connections``
keep-alive clients requesting the recipients' pixels (``GET /t/o/<token>.gif``, a browser's User-Agent) for
``--duration`` seconds after a warm-up, then ``/healthz`` the same way (the gateway's floor on this machine now). Each hit is queued on Redis by the gateway (no RPC per hit); after the load
the bench waits for the campaigns service to drain the queue into ``recipient_events`` and reports how long that took.

    .venv/bin/python bench/campaigns/pixel.py [--connections 32] [--duration 10] [--threads 8]

The Python load generator (bench/loadgen.py: http.client, 2 processes) shares the machine's cores with the gateway,
so its figures are a lower bound. Writes bench/results/campaigns-pixel-<date>.md.
"""
import argparse
import datetime
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

import loadgen  # noqa: E402  (bench/loadgen.py)
import redis  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import sysinfo  # noqa: E402
from stack import fresh_stack  # noqa: E402  (scripts/stack.py)

from carnet_common.config import sqlalchemy_url  # noqa: E402
from carnet_contracts import campaign_links  # noqa: E402

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def seed(engine, recipients):
    """A sent campaign with ``recipients`` recipients; returns their ids."""
    campaign_id, at = uuid.uuid4().hex, datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    ids = [uuid.uuid4().hex for _ in range(recipients)]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO campaigns.campaigns (id, org_id, kind, name, status, created_by, "
                             "started_at) VALUES (:id, 'bench-org', 'campaign', 'Bench', 'sent', 'u', :at)"),
                     {"id": campaign_id, "at": at})
        conn.execute(sa.text(
            "INSERT INTO campaigns.recipients (id, org_id, campaign_id, email, email_key, language, state, "
            "message_id, sent_at) VALUES (:id, 'bench-org', :campaign, :email, :email, 'fr', 'sent', :mid, :at)"),
            [{"id": i, "campaign": campaign_id, "email": f"r{n}@bench.test", "mid": f"<{i}@bench.test>", "at": at}
             for n, i in enumerate(ids)])
    return ids


def count_events(engine):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM campaigns.recipient_events")).scalar()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    machine = sysinfo.machine()
    log = Path(tempfile.mkdtemp()) / "stack.log"
    with fresh_stack(log, LOG_LEVEL="WARNING", GATEWAY_THREADS=str(args.threads)) as stack:
        engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
        key = (stack.env.get("CAMPAIGNS_LINK_SECRET") or campaign_links.DEV_SECRET).encode()
        ids = seed(engine, args.recipients)
        spec = [("GET", f"/t/o/{campaign_links.sign('open', i, key=key)}.gif", {"User-Agent": BROWSER}, None)
                for i in ids]
        before = count_events(engine)
        result = loadgen.run_python(stack.url, spec, duration=args.duration, warmup=args.warmup,
                                    connections=args.connections)
        load_done = time.monotonic()
        queue = redis.Redis.from_url(stack.env["REDIS_URL"])
        key_name = stack.env["CARNET_REDIS_PREFIX"] + "campaigns:hits"
        waiting_at_end = queue.llen(key_name)
        while queue.llen(key_name) and time.monotonic() - load_done < 600:
            time.sleep(0.2)
        drained_s = time.monotonic() - load_done
        recorded = count_events(engine) - before
        baseline = loadgen.run_python(stack.url, [("GET", "/healthz", {"User-Agent": BROWSER}, None)],
                                      duration=args.duration, warmup=args.warmup, connections=args.connections)
        engine.dispose()
    lines = [
        f"# Campaigns: open pixel through the gateway — {datetime.date.today().isoformat()}",
        "",
        f"Machine: {machine}",
        f"Gateway: gunicorn gthread 2 workers (scripts/stack.py) × {args.threads} threads; load: bench/loadgen.py Python "
        f"generator, {args.connections} keep-alive connections (2 processes, same machine: a lower bound); "
        f"{args.recipients} recipients' pixels in turn; warm-up {args.warmup} s, measured {args.duration} s.",
        "",
        "| path | requests | req/s | 2xx/3xx req/s | errors | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|---|",
        *(f"| {label} | {r['requests']} | {r['rps']} | {r['ok_rps']} | {r['errors']['total']} | "
          f"{r['latency_ms']['p50']} | {r['latency_ms']['p90']} | {r['latency_ms']['p99']} | {r['latency_ms']['max']} |"
          for label, r in (("pixel", result), ("/healthz (same load, baseline)", baseline))),
        "",
        f"Target >= 1,000 req/s: {'met' if result['ok_rps'] >= 1000 else 'NOT met'} (the pixel at "
        f"{result['ok_rps'] / baseline['ok_rps'] * 100:.0f} % of the gateway's /healthz under the same load; load "
        f"average before: {machine.get('loadavg_before')}).",
        "",
        f"Drain: {waiting_at_end} hits were still queued in Redis when the load stopped; the campaigns service emptied "
        f"the queue {drained_s:.1f} s later. Hits recorded in recipient_events (warm-up included): {recorded}.",
        "",
    ]
    out = Path(args.out or ROOT / "bench" / "results" / f"campaigns-pixel-{datetime.date.today().isoformat()}.md")
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
