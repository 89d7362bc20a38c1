"""Benchmark of the campaigns sender (E-10, issue 13: 10,000 recipients at >= 200 messages/s): a fresh database built
by the migrations, the campaigns service as a process (``nameko run``, as scripts/stack.py starts it), a local
aiosmtpd relay on loopback that counts what it accepts (by recipient and Message-ID, without parsing the message: a
relay's own cost is not the sender's), and a DNS server for the sending domain. The campaign is written as the
campaigns area's send writes it (recipients 'queued', campaign 'sending'); the clock runs from that commit until the
campaign is 'sent'.

    .venv/bin/python bench/campaigns/send.py [--recipients 10000] [--no-dkim] [--out bench/results/campaigns-send-<date>.md]

``crash.py`` runs the same with a SIGKILL mid-way and a restart, counting exactly-once at the relay.
"""
import argparse
import contextlib
import datetime
import os
import re
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "services" / "campaigns" / "tests" / "integration"))

import sqlalchemy as sa  # noqa: E402
import sysinfo  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from camp_domains_helpers import ready_domain  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from stack import ROOT as STACK_ROOT  # noqa: E402
from stack import SERVICES  # noqa: E402

from carnet_common.config import sqlalchemy_url  # noqa: E402
from carnet_testing import bootstrapped_env, free_port, rpc_config, running_services  # noqa: E402
from carnet_testing.dns import dns_server  # noqa: E402

CAMPAIGNS = [service for service in SERVICES if service["name"] == "campaigns"]
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class CountingRelay:
    """Accepts everything; ``accepted`` is ``[(time, rcpt, message_id, signed)]``."""

    def __init__(self):
        self.accepted, self.lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.accepted.append((time.monotonic(), envelope.rcpt_tos[0].lower(),
                                  found.group(1).decode() if found else None,
                                  envelope.content.startswith(b"DKIM-Signature:")))
        return "250 2.0.0 Ok: queued"


@contextlib.contextmanager
def relay():
    handler = CountingRelay()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@contextlib.contextmanager
def system(**settings):
    """(env, processes, relay, dns zone, engine): the campaigns service on a fresh database."""
    with relay() as smtp, dns_server() as zone:
        with bootstrapped_env(CAMPAIGNS, root=STACK_ROOT, prefix="carnet_bench", LOG_LEVEL="WARNING",
                              CAMPAIGNS_SMTP_HOST="127.0.0.1", CAMPAIGNS_SMTP_PORT=str(smtp.port),
                              CAMPAIGNS_DNS_SERVER="127.0.0.1", CAMPAIGNS_DNS_PORT=str(zone.port),
                              **settings) as env:
            log_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-campaigns-{uuid.uuid4().hex[:6]}"
            log_dir.mkdir(parents=True, exist_ok=True)
            with running_services(CAMPAIGNS, root=STACK_ROOT, env=env, log_dir=log_dir) as processes:
                engine = sa.create_engine(sqlalchemy_url(env["DATABASE_URL"]))
                try:
                    yield env, processes, smtp, zone, engine
                finally:
                    engine.dispose()


def sending_domain(env, zone, org_id):
    actor = {"org_id": org_id, "user_id": "bench", "is_admin": True, "request_id": None, "list_ids": [],
             "language": "fr"}
    with ClusterRpcProxy(rpc_config(env), timeout=30) as proxy:
        return ready_domain(proxy.campaigns, zone, actor)


def insert_campaign(engine, *, org_id, from_email, count):
    """A campaign 'sending' with ``count`` recipients 'queued' (as the campaigns area's send writes them)."""
    campaign_id, stem = uuid.uuid4().hex, uuid.uuid4().hex[:8]
    domain = from_email.rpartition("@")[2]
    html = ("<h1>Bonjour {{first_name}}</h1><p>Nos nouveautés de décembre : <a href=\"https://shop.example/n?x=1\">"
            "la collection</a>, <a href=\"https://shop.example/promo\">les promotions</a>.</p>" + "<p>Texte. </p>" * 20)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO campaigns.campaigns (id, org_id, kind, name, status, subject, html, text, from_name, "
            "from_email, created_by, started_at) VALUES (:id, :org, 'campaign', 'Bench', 'sending', "
            "'Décembre, {{first_name}}', :html, '', 'Boutique Bench', :from_email, 'bench', now())"),
            {"id": campaign_id, "org": org_id, "html": html, "from_email": from_email})
        connection.execute(sa.text(
            "INSERT INTO campaigns.recipients (id, org_id, campaign_id, contact_id, email, email_key, language, merge, "
            "message_id) SELECT r.id, :org, :campaign, 'c' || g, r.email, r.email, "
            "CASE WHEN g % 2 = 0 THEN 'fr' ELSE 'en' END, jsonb_build_object('first_name', 'Prénom' || g), "
            "'<' || r.id || '@' || :domain || '>' FROM generate_series(1, :n) g, "
            "LATERAL (SELECT md5(:stem || g) AS id, :stem || '-' || g || '@example.test' AS email) r"),
            {"org": org_id, "campaign": campaign_id, "domain": domain, "n": count, "stem": stem})
        connection.execute(sa.text("ANALYZE campaigns.recipients"))
    return campaign_id


def states(engine, campaign_id):
    with engine.connect() as connection:
        return dict(connection.execute(sa.text(
            "SELECT state, count(*) FROM campaigns.recipients WHERE campaign_id = :id GROUP BY state"),
            {"id": campaign_id}).all())


def status(engine, campaign_id):
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT status FROM campaigns.campaigns WHERE id = :id"),
                                  {"id": campaign_id}).scalar()


def wait_sent(engine, campaign_id, *, timeout, smtp=None, every=5.0):
    """Until the campaign is 'sent'; with ``smtp``, the messages accepted in each ``every`` seconds (a list)."""
    deadline = time.monotonic() + timeout
    windows, mark, seen = [], time.monotonic(), len(smtp.accepted) if smtp else 0
    while status(engine, campaign_id) != "sent":
        if time.monotonic() > deadline:
            raise TimeoutError(f"not sent after {timeout} s: {states(engine, campaign_id)}")
        time.sleep(0.1)
        if smtp and time.monotonic() - mark >= every:
            windows.append(len(smtp.accepted) - seen)
            mark, seen = time.monotonic(), len(smtp.accepted)
    return windows


def exactly_once(smtp, campaign_emails_count):
    by_rcpt = {}
    for _, rcpt, _, _ in smtp.accepted:
        by_rcpt[rcpt] = by_rcpt.get(rcpt, 0) + 1
    return {"addresses": len(by_rcpt), "messages": sum(by_rcpt.values()),
            "twice": sum(1 for n in by_rcpt.values() if n > 1), "expected": campaign_emails_count}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--no-dkim", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    with system() as (env, processes, smtp, zone, engine):
        org_id = f"org-{uuid.uuid4().hex[:8]}"
        from_email = "news@own-address.test" if args.no_dkim else f"news@{sending_domain(env, zone, org_id)}"
        campaign_id = insert_campaign(engine, org_id=org_id, from_email=from_email, count=args.recipients)
        pid = processes.running["campaigns"].pid
        probe = sysinfo.CpuProbe({"other Carnet services": lambda: [pid]},
                                 database=sa.engine.make_url(str(engine.url)).database).start()
        started = time.monotonic()
        windows = wait_sent(engine, campaign_id, timeout=max(120, args.recipients / 20), smtp=smtp)
        elapsed = time.monotonic() - started
        cpu = probe.stop()
        per_message = sysinfo.per_request_ms(cpu, args.recipients)
        final = states(engine, campaign_id)
        once = exactly_once(smtp, args.recipients)
        times = [at for at, *_ in smtp.accepted]
        relay_span = max(times) - min(times) if times else 0
        signed = sum(1 for *_, s in smtp.accepted if s)
    rate = args.recipients / elapsed
    lines = [
        f"# Campaigns sender bench ({datetime.date.today().isoformat()})", "",
        f"`.venv/bin/python bench/campaigns/send.py --recipients {args.recipients}"
        f"{' --no-dkim' if args.no_dkim else ''}`", "",
        f"Machine: {sysinfo.machine()}", "", f"Source: {sysinfo.source_state(ROOT)}", "",
        "| recipients | DKIM | seconds (commit → campaign sent) | messages/s | relay first→last s | states | "
        "relay: messages / addresses / twice |",
        "|---|---|---|---|---|---|---|",
        f"| {args.recipients} | {'yes' if not args.no_dkim else 'no'} ({signed} signed) | {elapsed:.1f} | {rate:.0f} | "
        f"{relay_span:.1f} | {final} | {once['messages']} / {once['addresses']} / {once['twice']} |", "",
        f"Messages accepted by the relay in each 5 s: {windows}", "",
        f"CPU ms per message (the campaigns process is 'other Carnet services'): {per_message}", "",
        f"Box: {cpu['box_busy_pct']} % busy, {cpu['foreign_pct']} % of it by processes outside the bench", "",
        "Settings: defaults (CAMPAIGNS_SENDER_CONCURRENCY=4, CAMPAIGNS_SEND_BATCH=50, CAMPAIGNS_RATE_PER_ORG=300).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
