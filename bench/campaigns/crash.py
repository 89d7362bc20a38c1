"""Benchmark of a crash mid-campaign (E-10, issue 13: "kill the sender mid-campaign of 10,000 recipients and restart
it: every recipient receives exactly one message, counted at the SMTP server"). As ``send.py`` (fresh database, the
campaigns service as a process, a counting aiosmtpd relay, a DKIM-signed campaign), then SIGKILL the service once
``--kill-at`` messages were accepted, wait out the claims' lease (``--lease`` seconds, CAMPAIGNS_LEASE_SECONDS),
start it again and wait for the campaign to be sent. Counts at the relay per address: how many got one, two (must
be 0), none; and the rows settled in doubt (CAMPAIGNS_IN_DOUBT=fail: at most once).

    .venv/bin/python bench/campaigns/crash.py [--recipients 10000] [--kill-at 3000] [--lease 5] [--out FILE]
"""
import argparse
import datetime
import signal
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "campaigns"))

import send  # noqa: E402
import sqlalchemy as sa  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--kill-at", type=int, default=3_000)
    parser.add_argument("--lease", type=int, default=5)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    with send.system(CAMPAIGNS_LEASE_SECONDS=str(args.lease)) as (env, processes, smtp, zone, engine):
        org_id = f"org-{uuid.uuid4().hex[:8]}"
        from_email = f"news@{send.sending_domain(env, zone, org_id)}"
        campaign_id = send.insert_campaign(engine, org_id=org_id, from_email=from_email, count=args.recipients)
        started = time.monotonic()
        while len(smtp.accepted) < args.kill_at:
            time.sleep(0.005)
        process = processes.running["campaigns"]
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_at = time.monotonic() - started
        at_kill = send.states(engine, campaign_id)
        accepted_at_kill = len(smtp.accepted)
        time.sleep(args.lease + 0.5)  # the dead process's claims expire
        processes.start("campaigns")
        processes.wait_answering("campaigns")
        send.wait_sent(engine, campaign_id, timeout=max(180, args.recipients / 20))
        elapsed = time.monotonic() - started
        final = send.states(engine, campaign_id)
        once = send.exactly_once(smtp, args.recipients)
        with engine.connect() as connection:
            doubt = connection.execute(sa.text(
                "SELECT email_key FROM campaigns.recipients WHERE campaign_id = :id AND in_doubt"),
                {"id": campaign_id}).scalars().all()
        received = {rcpt for _, rcpt, _, _ in smtp.accepted}
        doubt_received = sum(1 for email in doubt if email in received)
    lines = [
        f"# Campaigns sender crash bench ({datetime.date.today().isoformat()})", "",
        f"`.venv/bin/python bench/campaigns/crash.py --recipients {args.recipients} --kill-at {args.kill_at} "
        f"--lease {args.lease}`", "",
        f"- SIGKILL after {accepted_at_kill} messages accepted ({killed_at:.1f} s); states then: {at_kill}",
        f"- restarted after the lease ({args.lease} s); campaign sent {elapsed:.1f} s after it started",
        f"- final states: {final}",
        f"- relay: {once['messages']} messages to {once['addresses']} of {args.recipients} addresses; "
        f"**{once['twice']} received two**; {args.recipients - once['addresses']} received none",
        f"- in doubt (failed, at most once): {len(doubt)}, of which the relay had received {doubt_received}",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    if once["twice"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
