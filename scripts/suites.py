"""Run test suites, each its own pytest process, in ``--jobs`` lanes at once (``make test``, ``make unit``,
``make integration``; docs/conventions.md).

Every suite runs even when another fails; the exit status says whether any failed. A suite's output is printed
whole once it has finished (lanes never interleave their lines), then a table of each suite's time.

Why lanes: most of an end-to-end suite's time is spent waiting on its system's processes (one client, one request
at a time), so two suites share this 2-core machine's CPUs well, and the whole run stays well under 15 minutes
as suites are added. Suites are independent by construction: each makes its own database, vhost and Redis
prefix (``carnet_testing``). The longest suites start first (times of the last run, ``.run/suite-times.json``;
in a fresh clone, as CI runs, those of a full run kept in ``scripts/suite-times.json``; else the order given), so
the lanes finish close together. ``--jobs 1`` runs them one after the other, in order.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMES = ROOT / ".run" / "suite-times.json"
KEPT_TIMES = ROOT / "scripts" / "suite-times.json"  # a full run's times, committed (copy .run's after adding suites)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="suites run at once (default 2)")
    parser.add_argument("--pytest", default=str(Path(sys.executable).with_name("pytest")))
    parser.add_argument("suites", nargs="+")
    return parser.parse_args(argv)


def _known_times():
    for path in (TIMES, KEPT_TIMES):
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            continue
    return {}


def order(suites, known, jobs):
    """One lane: as given. Several: the longest first by the last run's times (unknown ones first, as given)."""
    if jobs <= 1:
        return list(suites)
    return sorted(suites, key=lambda suite: -known.get(suite, float("inf")))


class Runner:
    def __init__(self, pytest, suites):
        self.pytest = pytest
        self.queue = list(suites)
        self.lock = threading.Lock()
        self.results = {}

    def _next(self):
        with self.lock:
            return self.queue.pop(0) if self.queue else None

    def lane(self):
        while (suite := self._next()) is not None:
            with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as output:
                started = time.monotonic()
                code = subprocess.call([self.pytest, "-q", "-p", "no:cacheprovider", suite], cwd=ROOT,
                                       stdout=output, stderr=subprocess.STDOUT)
                seconds = time.monotonic() - started
                output.seek(0)
                text = output.read()
            with self.lock:
                self.results[suite] = (code, seconds)
                print(f"== {suite} ({seconds:.0f} s)\n{text}", end="" if text.endswith("\n") else "\n", flush=True)


def main(argv=None):
    args = parse_args(argv)
    known = _known_times()
    runner = Runner(args.pytest, order(args.suites, known, args.jobs))
    started = time.monotonic()
    lanes = [threading.Thread(target=runner.lane) for _ in range(max(1, args.jobs))]
    for lane in lanes:
        lane.start()
    for lane in lanes:
        lane.join()
    wall = time.monotonic() - started
    failed = [suite for suite in args.suites if runner.results[suite][0] != 0]
    print(f"\n{'suite':<48} {'s':>6}  result")
    for suite in args.suites:
        code, seconds = runner.results[suite]
        print(f"{suite:<48} {seconds:>6.0f}  {'ok' if code == 0 else f'FAILED ({code})'}")
    print(f"{len(args.suites)} suites in {wall:.0f} s with {args.jobs} at once; "
          + (f"{len(failed)} failed: {' '.join(failed)}" if failed else "all passed"))
    TIMES.parent.mkdir(exist_ok=True)
    TIMES.write_text(json.dumps({**known, **{s: round(r[1], 1) for s, r in runner.results.items()}}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
