"""Benchmark of an import (C-19) through the real system: a fresh stack (every service and the gateway, as ``make
run`` starts them), an organization with 15 custom text fields, and a workbook of ``--rows`` rows × 30 columns (15
standard fields, 15 custom ones) of which ``--bad`` per cent have an invalid email. It uploads the file over HTTP,
runs the dry run, then the import, polling ``GET /jobs/{id}`` as a client does, and reports each phase's seconds,
rows per second and the contacts service process's peak RSS (``VmHWM`` of its /proc status, the process that parses
the workbook and writes the records).

    .venv/bin/python bench/imports/run.py [--rows 100000] [--bad 5] [--out bench/results/imports-2026-12-06.md]

Targets (issue 12): 100,000 rows in at most 60 s, under 300 MB peak RSS.
"""
import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import rustpy_xlsxwriter  # noqa: E402
import sysinfo  # noqa: E402
from stack import fresh_stack  # noqa: E402
from support.http import ApiClient, ok, sign_up  # noqa: E402

STANDARD = ["Prénom", "Nom", "Courriel", "Titre", "Téléphone", "Cellulaire", "Télécopieur", "Autre téléphone",
            "Adresse", "Ville", "Province", "Code postal", "Pays", "Site web", "Langue"]
CUSTOM = [f"champ_{i:02d}" for i in range(15)]
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(path, rows, bad):
    headers = STANDARD + [f"Champ {i:02d}" for i in range(15)]

    def records():
        for n in range(rows):
            email = "pas-un-courriel" if bad and n % (100 // bad) == 0 else f"personne{n}@example.com"
            # each row its own numbers, as in a real file: numbers every row shared made each duplicates lookup
            # scan all the records imported so far (a key held by more than the cap is dropped only after)
            line = f"{200 + n // 10000:03d}-{n % 10000:04d}"
            values = [f"Prénom{n}", f"Nom{n}", email, "Directeur", f"514-{line}", f"438-{line}", f"819-{line}",
                      f"450-{line}", f"{n} rue Principale", "Montréal", "QC", "H2X 1Y4", "Canada",
                      "https://example.com", "fr"] + [f"valeur {n} {i}" for i in range(15)]
            yield dict(zip(headers, values, strict=True))
    rustpy_xlsxwriter.write_worksheet(records(), str(path), sheet_name="Contacts")
    return os.path.getsize(path)


def peak_rss_mb(stack, name="contacts"):
    process = next(p for p in stack.processes if p.carnet_name == name)
    with open(f"/proc/{process.pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wait_job(client, job_id, timeout=900):
    start = time.perf_counter()
    while True:
        job = ok(client.get(f"/jobs/{job_id}"))
        if job["status"] in ("done", "failed"):
            return job, time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            raise TimeoutError(job)
        time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad", type=int, default=5)
    parser.add_argument("--out")
    parser.add_argument("--dry-run-only", action="store_true", help="measure reading and checking only")
    args = parser.parse_args()
    lines, machine = [], sysinfo.machine()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        started = time.perf_counter()
        size = workbook(path, args.rows, args.bad)
        print(f"workbook: {args.rows} rows, {size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s", flush=True)
        with fresh_stack(Path(tmp) / "stack.log", LOG_LEVEL="WARNING", IMPORT_MAX_ROWS=str(max(args.rows, 200_000)),
                         EXPORT_TIME_LIMIT_SECONDS="3600") as stack:
            admin, _ = sign_up(stack.url, client_class=ApiClient)
            shared = ok(admin.post("/lists", json={"name": "Import", "access_all_users": True}), 201)
            for i, key in enumerate(CUSTOM):
                ok(admin.post("/custom-fields/contacts", json={"key": key, "type": "text", "label_fr": f"Champ {i:02d}",
                                                                "label_en": f"Field {i:02d}"}), 201)
            baseline = peak_rss_mb(stack)
            start = time.perf_counter()
            with open(path, "rb") as file:
                response = admin.post("/imports", files={"file": ("bench.xlsx", file, MIME)},
                                      data={"record_type": "contact"}, timeout=600)
            upload = ok(response, 201)
            phases = [("upload and checks", time.perf_counter() - start, None, peak_rss_mb(stack))]
            mapping = {c["column"]: c["proposed"] for c in upload["columns"]}
            assert all(mapping.values()), mapping
            options = {"mapping": mapping, "list_ids": [shared["id"]]}
            steps = (("dry run", "dry-run"),) if args.dry_run_only else (("dry run", "dry-run"), ("import", "run"))
            for name, step in steps:
                start = time.perf_counter()
                started_job = ok(admin.post(f"/imports/{upload['id']}/{step}", json=options), 202)
                job, _ = wait_job(admin, started_job["job_id"])
                phases.append((name, time.perf_counter() - start, job, peak_rss_mb(stack)))
                print(name, job["status"], job.get("counts"), flush=True)
        lines.append(f"# Import benchmark, {args.rows:,} rows × 30 columns, {args.bad} % bad rows")
        lines.append("")
        lines.append(f"Workbook {size / 1e6:.1f} MB. Contacts service RSS before: {baseline:.0f} MB. "
                     f"Machine: {machine['cpu_model']}, {machine['nproc']} CPUs, load before {machine['loadavg_before']}.")
        lines.append("")
        lines.append("| phase | seconds | rows/s | status | counts | peak RSS of contacts (MB) |")
        lines.append("|---|---|---|---|---|---|")
        for name, seconds, job, rss in phases:
            counts = (job or {}).get("counts") or {}
            shown = ", ".join(f"{k} {v}" for k, v in counts.items())
            rate = f"{args.rows / seconds:,.0f}" if job else ""
            lines.append(f"| {name} | {seconds:.1f} | {rate} | {(job or {}).get('status', 'ok')} | {shown} | "
                         f"{rss:.0f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    io.DEFAULT_BUFFER_SIZE = 1024 * 1024
    main()
