"""Benchmark of form submissions (F-2, F-5): ``--rate`` submissions a second (default 200) for ``--duration`` seconds
(default 60) through the gateway, as the embed script posts them (``POST /f/<key>``, JSON, a render token each), on
a fresh stack (every service and the gateway as ``make run`` starts them: gunicorn gthread, 2 workers ×
``GATEWAY_THREADS``).

Open loop: request ``i`` is due at ``start + i / rate`` whatever the previous ones did, so a slow answer delays no
later send (no coordinated omission); the acknowledgment's latency is measured from the moment it was due to the
end of the 201, and also from the moment it was sent. The render tokens (single-use, one per submission) are minted
before the load with the stack's secret, and the form asks no minimum fill time, so every submission is accepted; the rate limits of the public side are raised for the bench (``FORMS_MAX_PER_*``: a
deployment expecting this rate on one form raises ``FORMS_MAX_PER_FORM_MINUTE`` the same way).

Two phases on the same stack, written to one file: ``whole`` (everything running: the consumers apply submissions
as they come, and the acknowledgment shares the CPU with them) and ``ack`` (the acknowledgment path alone:
contacts, campaigns and opportunities stopped during the load, their events waiting in their queues as F-5 intends,
then started again). After each load: every 201 must name a stored submission (F-5: stored before the answer),
counted in the forms schema; then the drain is timed until contacts made every acknowledged submission's contact
and forms marked it applied, and the counts checked: exactly one contact per acknowledged submission. CPU per
process is given for the load and for the drain.

    .venv/bin/python bench/forms/submit.py [--rate 200] [--duration 60] [--warmup 5] [--threads 8] [--phases whole,ack]

The generator (2 processes of ``--clients`` threads, http.client keep-alive) shares the 2 cores with the stack: the
figures are a lower bound. Writes bench/results/forms-submit.json (``--out`` elsewhere).
"""
import argparse
import datetime
import http.client
import json
import multiprocessing
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for extra in ("scripts", "bench", "tests"):
    sys.path.insert(0, str(ROOT / extra))

import loadgen  # noqa: E402  (bench/loadgen.py: the summary's shape)
import sqlalchemy as sa  # noqa: E402
import sysinfo  # noqa: E402
from stack import SERVICES, fresh_stack  # noqa: E402  (scripts/stack.py)
from support.forms import published_form  # noqa: E402  (tests/support/forms.py)
from support.http import ApiClient, ok, sign_up  # noqa: E402

from carnet_common.config import sqlalchemy_url  # noqa: E402

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
UNLIMITED = "1000000"


def tokens(form_key, version, count, secret):
    """``count`` render tokens of the form (single-use), minted as ``render_form`` mints them (its module, the
    stack's secret): the renders are not what this bench measures, and 12,000 of them through the gateway first
    would take minutes on 2 cores."""
    from carnet_forms.intake import tokens as render_tokens
    now = time.time()
    return [render_tokens.issue(form_key, version, now=now, key=secret) for _ in range(count)]


def bodies(render_tokens, run, warmup=0):
    """The posts; the first ``warmup`` ones' e-mails tagged apart (``<run>w``): the contacts counted after a phase
    are the measured submissions' only."""
    return [json.dumps({"email": f"v{n}.{run}{'w' if n < warmup else ''}@bench.test", "first_name": "Banc", "_token": token,
                        "_page_url": "https://www.example.com/contact", "_lang": "fr", "_hp": ""}).encode()
            for n, token in enumerate(render_tokens)]


def _send(conn, parts, path, body, headers):
    """``(connection, status, payload)``; a kept-alive connection the server closed meanwhile is opened again once
    (the request never reached it)."""
    for attempt in (1, 2):
        fresh = conn is None
        if fresh:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            return conn, response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conn = None
            if fresh or attempt == 2 or not isinstance(exc, (BrokenPipeError, ConnectionResetError,
                                                              http.client.RemoteDisconnected)):
                return None, type(exc).__name__, b""
    return None, "unreachable", b""


def _client(url, path, slots, lock, next_slot, start, rate, warm_until_slot, results, max_behind_s):
    parts = urllib.parse.urlsplit(url)
    conn = None
    headers = {"Content-Type": "application/json", "User-Agent": BROWSER, "Accept": "application/json"}
    while True:
        with lock:
            index = next_slot[0]
            next_slot[0] += 1
        if index >= len(slots):
            break
        slot, body = slots[index]
        due = start + slot / rate
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        if -wait > max_behind_s:  # the stack fell this far behind: the run says so instead of lasting an hour
            if slot >= warm_until_slot:
                results.append((None, None, "not_sent", None, due, due))
            continue
        sent = time.perf_counter()
        conn, status, payload = _send(conn, parts, path, body, headers)
        done = time.perf_counter()
        if slot >= warm_until_slot:
            submission = json.loads(payload).get("submission_id") if status == 201 else None
            results.append(((done - due) * 1000, (done - sent) * 1000, status, submission, due, done))
    if conn is not None:
        conn.close()


def _process(url, path, slots, rate, warm_until_slot, clients, start, queue, max_behind_s):
    lock, next_slot, results = threading.Lock(), [0], []
    workers = [threading.Thread(target=_client, args=(url, path, slots, lock, next_slot, start, rate,
                                                      warm_until_slot, results, max_behind_s))
               for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(results)


def open_loop(url, path, payloads, *, rate, warmup_slots, clients, max_behind_s, processes=2):
    """Send ``payloads[i]`` at ``start + i / rate``; the measured slots' ``(from due ms, from sent ms, status,
    submission id)``. Process ``p`` sends the slots ``i ≡ p (mod processes)``, in order."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start = time.perf_counter() + 1.0   # every process forked and waiting before the first slot is due
    procs = [ctx.Process(target=_process, args=(url, path, [(i, payloads[i]) for i in range(p, len(payloads),
                                                                                           processes)],
                                                rate, warmup_slots, clients, start, queue, max_behind_s))
             for p in range(processes)]
    for proc in procs:
        proc.start()
    results = [row for _ in procs for row in queue.get(timeout=len(payloads) / rate + 600)]
    for proc in procs:
        proc.join()
    return results


def one_at_a_time(url, path, payloads):
    """The acknowledgment's latency with nothing else in flight (ms, each): the floor the load is compared with."""
    parts = urllib.parse.urlsplit(url)
    headers = {"Content-Type": "application/json", "User-Agent": BROWSER, "Accept": "application/json"}
    conn, latencies = None, []
    for body in payloads:
        sent = time.perf_counter()
        conn, status, _ = _send(conn, parts, path, body, headers)
        if status == 201:
            latencies.append((time.perf_counter() - sent) * 1000)
    if conn is not None:
        conn.close()
    return latencies


DOWNSTREAM = ("contacts", "campaigns", "opportunities")   # the consumers of the submissions' events (F-3)


def pids_of(stack, name):
    return lambda: [p.pid for p in stack.processes if p.carnet_name == name and p.poll() is None]


def stored(conn, ids):
    """``(stored, applied)``: the acknowledged submissions in the forms schema, and those forms marked applied."""
    return conn.execute(sa.text("SELECT count(*), count(applied_at) FROM forms.submissions WHERE id = ANY(:ids)"),
                        {"ids": ids}).one()


def contacts_made(conn, ids, org_id, run):
    """``{submissions, contacts, emails}`` of contacts: the submissions it applied (its exactly-once rows), the
    distinct contacts they name, and the organization's contacts (not in trash) with this run's e-mails."""
    applied, named = conn.execute(sa.text(
        "SELECT count(*), count(DISTINCT contact_id) FROM contacts.form_submission_contacts "
        "WHERE submission_id = ANY(:ids)"), {"ids": ids}).one()
    emails, distinct = conn.execute(sa.text(
        "SELECT count(*), count(DISTINCT email_norm) FROM contacts.contacts WHERE org_id = :org "
        "AND deleted_at IS NULL AND email_norm LIKE :pattern"),
        {"org": org_id, "pattern": f"%.{run}@bench.test"}).one()
    return {"submissions_applied": applied, "distinct_contacts": named, "contacts_with_run_emails": emails,
            "distinct_run_emails": distinct}


class Db:
    """The bench's one connection to the stack's database, opened again if PostgreSQL ended it (a shared box:
    another suite may restart the server)."""

    def __init__(self, url):
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        self.conn = None

    def execute(self, *args):
        for attempt in range(30):
            try:
                if self.conn is None:
                    self.conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                return self.conn.execute(*args)
            except sa.exc.OperationalError:
                if self.conn is not None:
                    self.conn.invalidate()
                    self.conn.close()
                self.conn = None
                if attempt == 29:
                    raise
                time.sleep(1)

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.engine.dispose()


def drain(conn, ids, org_id, run, limit_s):
    """Seconds until contacts made every acknowledged submission's contact and forms marked it applied (or
    ``limit_s``), and the counts then."""
    began = time.monotonic()
    while True:
        rows, applied = stored(conn, ids)
        made = contacts_made(conn, ids, org_id, run)
        if (applied >= len(ids) and made["submissions_applied"] >= len(ids)) or time.monotonic() - began > limit_s:
            break
        time.sleep(2)   # each poll reads 12,000 ids twice: more often cost the box ~5 % of the drain's CPU
    return round(time.monotonic() - began, 1), rows, applied, made


def summary(results, args):
    statuses = {}
    for row in results:
        statuses[row[2]] = statuses.get(row[2], 0) + 1
    acknowledged = [row[3] for row in results if row[2] == 201 and row[3]]
    # The rate the stack kept: the measured requests over the time from the first one due to the last one answered
    # (an open loop sends on time whatever happens; a stack that cannot keep up answers later and later).
    answered_rows = [row for row in results if row[0] is not None]
    span_s = (max(row[5] for row in answered_rows) - min(row[4] for row in results)) if answered_rows else 0.0
    kept_per_s = len(acknowledged) / span_s if span_s else 0.0
    answered = {s: n for s, n in statuses.items() if isinstance(s, int)}  # transport errors have no latency
    from_due = loadgen.summarise([row[0] for row in answered_rows if isinstance(row[2], int)],
                                 duration_s=args.duration, transport_errors={}, statuses=answered)
    from_sent = loadgen.summarise([row[1] for row in answered_rows if isinstance(row[2], int)],
                                  duration_s=args.duration, transport_errors={}, statuses=answered)
    return acknowledged, {
        "measured_requests": len(results),
        "statuses": {str(status): n for status, n in sorted(statuses.items(), key=str)},
        "acknowledged": len(acknowledged),
        "acknowledged_per_s_kept": round(kept_per_s, 1),
        "measured_span_s": round(span_s, 1),
        "ack_latency_ms_from_due": from_due["latency_ms"],
        "ack_latency_ms_from_sent": from_sent["latency_ms"],
        "target_met": (kept_per_s >= 0.99 * args.rate and len(acknowledged) == len(results)
                       and from_due["latency_ms"]["p99"] < 100),
    }


def run_phase(stack, conn, org_id, form, secret, args, *, stop_downstream):
    """One load of ``args.rate``/s for ``args.duration`` s on ``form``: the whole system, or (``stop_downstream``)
    the acknowledgment path alone — contacts, campaigns and opportunities stopped during the load, their events
    waiting in their queues (F-5), started again after it and the drain measured."""
    run = uuid.uuid4().hex[:8]
    warmup_slots, total = int(args.rate * args.warmup), int(args.rate * (args.warmup + args.duration))
    payloads = bodies(tokens(form["key"], form["current_version"], total, secret), run, warmup_slots)
    stopped = []
    if stop_downstream:
        for process in [p for p in stack.processes if p.carnet_name in DOWNSTREAM and p.poll() is None]:
            stack.stop_process(process)
            stopped.append(process.carnet_name)
    names = sorted({process.carnet_name for process in stack.processes} | set(DOWNSTREAM))
    database = urllib.parse.urlsplit(stack.env["DATABASE_URL"]).path.lstrip("/")
    probe = sysinfo.CpuProbe({name: pids_of(stack, name) for name in names}, database=database)
    probe.start()
    results = open_loop(stack.url, f"/f/{form['key']}", payloads, rate=args.rate, warmup_slots=warmup_slots,
                        clients=args.clients, max_behind_s=args.max_behind)
    cpu = probe.stop()
    acknowledged, report = summary(results, args)
    rows_at_answer, _ = stored(conn, acknowledged)
    drain_probe = sysinfo.CpuProbe({name: pids_of(stack, name) for name in names}, database=database)
    drain_probe.start()
    for service in SERVICES:
        if service["name"] in stopped:
            stack.start_service(service)
    drained_s, rows, applied, made = drain(conn, acknowledged, org_id, run, args.drain_limit)
    drain_cpu = drain_probe.stop()
    return {
        "phase": ("acknowledgment path alone: contacts, campaigns, opportunities stopped during the load"
                  if stop_downstream else "whole system: the consumers applying submissions as they come"),
        "stopped_during_load": stopped, **report,
        "stored_of_acknowledged": {"acknowledged": len(acknowledged), "stored": rows_at_answer},
        "drain": {"seconds_after_load" + (" (from the consumers' restart, their start-up included)"
                                          if stopped else ""): drained_s,
                  "limit_s": args.drain_limit, "forms_marked_applied": applied, "stored": rows, **made,
                  "exactly_one_contact_per_acknowledged": (made["submissions_applied"] == len(acknowledged)
                                                           == made["distinct_contacts"]
                                                           == made["contacts_with_run_emails"]
                                                           == made["distinct_run_emails"])},
        "cpu_during_load": cpu,
        "cpu_during_drain": drain_cpu,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--clients", type=int, default=24, help="threads per generator process (2 processes)")
    parser.add_argument("--threads", type=int, default=8, help="GATEWAY_THREADS")
    parser.add_argument("--max-behind", type=float, default=30,
                        help="a submission due this many seconds ago is not sent (counted as not_sent)")
    parser.add_argument("--serial", type=int, default=50, help="submissions sent one at a time first (the floor)")
    parser.add_argument("--phases", default="whole,ack", help="whole (everything running), ack (consumers stopped)")
    parser.add_argument("--drain-limit", type=float, default=900, help="seconds waited for the drain at most")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "forms-submit.json"))
    args = parser.parse_args()
    machine = sysinfo.machine()
    log = Path(tempfile.mkdtemp()) / "stack.log"
    phases = []
    with fresh_stack(log, LOG_LEVEL="WARNING", GATEWAY_THREADS=str(args.threads), FORMS_MAX_PER_IP_MINUTE=UNLIMITED,
                     FORMS_MAX_PER_FORM_MINUTE=UNLIMITED, SIGNUP_MAX_PER_ADDRESS=UNLIMITED) as stack:
        # One connection held from the start: on a shared box PostgreSQL may have none left later (max_connections).
        conn = Db(sqlalchemy_url(stack.env["DATABASE_URL"]))
        conn.execute(sa.text("SELECT 1"))
        admin, created = sign_up(stack.url, client_class=ApiClient)
        org_id = created["organization"]["id"]
        target = ok(admin.post("/lists", json={"name": "Banc", "access_all_users": True}), 201)
        form = published_form(admin, target["id"], name="Banc d'essai", language="fr")
        secret = (stack.env.get("FORMS_SIGNING_SECRET") or "carnet-dev-forms-secret").encode()
        serial = one_at_a_time(stack.url, f"/f/{form['key']}",
                               bodies(tokens(form["key"], form["current_version"], args.serial, secret), "serial"))
        for phase in args.phases.split(","):
            phases.append(run_phase(stack, conn, org_id, form, secret, args, stop_downstream=phase == "ack"))
            print(json.dumps(phases[-1], indent=2), flush=True)
            Path(args.out + ".partial").write_text(json.dumps(phases, indent=2) + "\n", encoding="utf-8")
        conn.close()
    report = {
        "bench": "forms-submit", "date": datetime.date.today().isoformat(), "machine": machine,
        "setup": {"rate_per_s": args.rate, "duration_s": args.duration, "warmup_s": args.warmup,
                  "generator": f"open loop, 2 processes x {args.clients} http.client keep-alive threads, same machine",
                  "gateway": f"gunicorn gthread 2 workers x {args.threads} threads (scripts/stack.py)",
                  "request": "POST /f/<key> JSON with a fresh render token (the embed script's post)",
                  "render_tokens": "minted with the stack's FORMS_SIGNING_SECRET before each load",
                  "latency": "from the moment each submission was due (open loop), to the end of its 201"},
        "ack_latency_ms_one_at_a_time": loadgen.summarise(serial, duration_s=1, statuses={201: len(serial)},
                                                          transport_errors={})["latency_ms"],
        "phases": phases,
        "target": {"rate_per_s": args.rate, "duration_s": args.duration, "p99_ms_below": 100},
    }
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "phases"}, indent=2))


if __name__ == "__main__":
    main()
