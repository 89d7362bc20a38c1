"""Documents benchmark (C-21, DOC-3, DOC-5): uploads and downloads through the real gateway on a fresh stack, local
disk storage, to show that a 100 MB file streams (the gateway's memory does not grow by the file) and how fast.

    .venv/bin/python bench/documents/run.py [--big-mb 100] [--small 50]

Measures: ``--small`` uploads of 100 kB one after another (latency p50/p95: parse, sniff, store, the quota's row lock
and the metadata RPC), one upload of ``--big-mb`` MB sent as a stream (the client never holds it whole), its download
streamed to nowhere, and the gateway workers' peak resident memory (``VmHWM`` of each gunicorn process, read from
/proc before and after). Writes bench/results/documents-<date>.md.
"""
import argparse
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import sysinfo  # noqa: E402  (bench/sysinfo.py)
from stack import fresh_stack  # noqa: E402  (scripts/stack.py)
from support.http import ApiClient, sign_up  # noqa: E402

PDF_HEAD = b"%PDF-1.7\n"
MB = 1024 * 1024


def peak_rss_kb(pids):
    """``{pid: VmHWM kB}`` of the processes whose command line is gunicorn's (the gateway's master and workers)."""
    found = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                found[pid] = int(line.split()[1])
    return found


def gateway_pids(stack):
    gateway = next(p for p in stack.processes if p.carnet_name == "gateway")
    pids = [gateway.pid]
    for path in Path("/proc").iterdir():
        if path.name.isdigit():
            try:
                if int((path / "stat").read_text().split(")")[-1].split()[1]) == gateway.pid:
                    pids.append(int(path.name))
            except (OSError, ValueError, IndexError):
                continue
    return pids


def stream_body(boundary, size):
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
           "Content-Type: application/pdf\r\n\r\n").encode()
    block = PDF_HEAD + bytes(MB - len(PDF_HEAD))
    for _ in range(size // MB):
        yield block
        block = bytes(MB)
    yield f"\r\n--{boundary}--\r\n".encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--big-mb", type=int, default=100)
    parser.add_argument("--small", type=int, default=50)
    args = parser.parse_args()
    machine = sysinfo.machine()
    log = Path(tempfile.mkdtemp()) / "stack.log"
    with tempfile.TemporaryDirectory() as files, fresh_stack(log, LOG_LEVEL="WARNING", DOCUMENTS_DIR=files) as stack:
        admin, _ = sign_up(stack.url, client_class=ApiClient)
        pids = gateway_pids(stack)
        before = peak_rss_kb(pids)
        small = PDF_HEAD + bytes(100 * 1024 - len(PDF_HEAD))
        latencies = []
        for index in range(args.small):
            started = time.perf_counter()
            response = admin.post("/documents", files={"file": (f"s{index}.pdf", small)})
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.text
        size = args.big_mb * MB
        started = time.perf_counter()
        response = admin.post("/documents", data=stream_body("bench", size),
                              headers={"Content-Type": "multipart/form-data; boundary=bench"}, timeout=600)
        upload_s = time.perf_counter() - started
        assert response.status_code == 201, response.text
        document = response.json()
        started = time.perf_counter()
        got = 0
        with requests.get(f"{stack.url}/api/v1/documents/{document['id']}/content",
                          headers={"Authorization": f"Bearer {admin.token}"}, stream=True, timeout=600) as download:
            assert download.status_code == 200
            for chunk in download.iter_content(MB):
                got += len(chunk)
        download_s = time.perf_counter() - started
        assert got == size
        after = peak_rss_kb(pids)
    grew = {pid: after.get(pid, 0) - before.get(pid, 0) for pid in after}
    quantiles = statistics.quantiles(latencies, n=20)
    lines = [
        f"# Documents benchmark, {datetime.date.today().isoformat()}",
        "",
        f"Command: `.venv/bin/python bench/documents/run.py --big-mb {args.big_mb} --small {args.small}` "
        "(fresh stack, local disk storage, one client).",
        "",
        f"Machine: {machine['cpu_model']}, {machine['nproc_available']} CPUs, {machine['memory_gib']} GiB, load "
        f"average before {' '.join(machine['loadavg_before'])} (a box shared with other sessions).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| {args.small} uploads of 100 kB, p50 / p95 | {statistics.median(latencies):.1f} ms / {quantiles[18]:.1f} ms |",
        f"| upload of {args.big_mb} MB (streamed by the client) | {upload_s:.2f} s ({size / MB / upload_s:.0f} MB/s) |",
        f"| download of {args.big_mb} MB (streamed) | {download_s:.2f} s ({size / MB / download_s:.0f} MB/s) |",
        "| gateway processes' peak RSS before → after (MB) | "
        + ", ".join(f"{before.get(pid, 0) / 1024:.0f} → {after[pid] / 1024:.0f}" for pid in sorted(after)) + " |",
        f"| largest growth of one gateway process's peak RSS | {max(grew.values()) / 1024:.1f} MB |",
        "",
    ]
    report = "\n".join(lines)
    out = ROOT / "bench/results" / f"documents-{datetime.date.today().isoformat()}.md"
    out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
