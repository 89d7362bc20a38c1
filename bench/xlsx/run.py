"""The export writers compared (issue 9 §3): the same 100,000 × 25-cell contact sheet written by the product's
writer (``carnet_common.xlsx.write_sheet``: rustpy-xlsxwriter fed by a generator, XlsxWriter for repeated headers),
openpyxl write-only (+lxml, the writer of the exports before), XlsxWriter ``constant_memory`` and
``rustpy-xlsxwriter`` (a binding of the Rust writer) called directly, each in a process of its own for its peak RSS,
in one run on this machine.

    .venv/bin/python bench/xlsx/run.py                          # the writers
    .venv/bin/python bench/xlsx/run.py --export-floor STATE     # + the export path outside the writer, on a
                                                                #   database kept by bench/contacts --keep-db
    .venv/bin/python bench/xlsx/run.py --rows 20000             # smaller sheet

Rows are realistic contact values (bench/contacts' pools: accented names, titles, Québec cities, phones with
``+1``, URLs, booleans, dates, a number) made by a seeded generator, in batches of 5,000 as the export reads
them; about one row in 200 holds text a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``).
Every writer gets the formula guard of libs/carnet_common/carnet_common/xlsx.py: strings are always text cells,
and those starting with ``= + - @`` (or an error code) are quote-prefixed (rustpy-xlsxwriter: every cell of a text
column). Each file is then reopened with openpyxl read-only: no cell may be a formula (data_type ``f``), every
string must come back as written (OOXML's ``_xHHHH_`` escapes decoded), and the guarded ones quote-prefixed.
Timings: the writer's own calls (the row generator is timed apart and left out) and the whole child; peak RSS from
``wait4`` (the generator alone is measured too, as the baseline every writer pays).

``--export-floor`` times, in process on the 1M database, the contacts export of a job without the service: the
selection, rows streamed with the server-side cursor (``exports.repository.stream_rows``: tuples), the cells built
from them (``export_xlsx.cells``), then the whole path with the product's writer (``usecases.write_export``, no
eventlet), and the writer alone on the same rows held in memory (the writer's floor on real rows).
Results: bench/results/xlsx-<date>[-name].{md,json}.
"""
import argparse
import datetime
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(BENCH / "contacts")]

import pools  # noqa: E402
import sysinfo  # noqa: E402

BATCH = 5_000
WRITERS = ("none", "product", "product_xlsxwriter", "openpyxl", "xlsxwriter", "rustpy_generator", "rustpy_list")
WRITER_LABELS = {
    "none": "row generator only (baseline: no writer)",
    "product": "**the product's writer**: `carnet_common.xlsx.write_sheet` (rustpy-xlsxwriter fed by a generator)",
    "product_xlsxwriter": "`carnet_common.xlsx.write_sheet`, its XlsxWriter path (a repeated header: 26 columns)",
    "openpyxl": "openpyxl 3.1 write-only + lxml, the guard the exports had before (values in lists)",
    "xlsxwriter": "XlsxWriter `constant_memory`, typed writes, quote-prefix format on guarded strings",
    "rustpy_generator": "rustpy-xlsxwriter, rows fed by a generator of dicts (batches pulled as it writes)",
    "rustpy_list": "rustpy-xlsxwriter, every row in one list of dicts",
}
# Writers whose timed call pulls the rows itself: the generator's time is taken out of their writer time.
PULLING = ("product", "product_xlsxwriter")
HEADERS = ("ID", "Prénom", "Nom", "Titre", "Courriel", "Langue", "Téléphone", "Cellulaire", "Adresse", "Ville",
           "Province", "Code postal", "Pays", "Site web", "Représentant 1", "Représentant 2", "Abonné", "Statut",
           "Contact primaire", "Créé (UTC)", "Modifié (UTC)", "Secteur", "Pointage", "Rappel", "Compte : Nom")
KEYS = ("id", "first_name", "last_name", "title", "email", "language", "phone", "mobile", "street", "city",
        "province", "postal_code", "country", "website", "rep1_name", "rep2_name", "subscribed", "status",
        "is_primary", "created_at", "updated_at", "custom.secteur", "custom.score", "custom.rappel", "account_name")
# Text a spreadsheet would run or misread, put in place of ordinary values here and there.
HOSTILE = ["=HYPERLINK(\"http://example.com/x\",\"clic\")", "=1+1", "+1 514 555-0199", "-Dupont", "@marie",
           "=cmd|' /C calc'!A0", "-2+3", "#N/A", "+33 1 23 45 67 89", "@SUM(A1:A2)"]


# The sheet --------------------------------------------------------------------------------------------------

def batches(rows, seed=2026):
    """``rows`` contact rows (lists of 25 values) in batches of BATCH; the same rows for a given seed."""
    rng = random.Random(seed)
    start = datetime.datetime(2020, 1, 1, 8, 0)
    cities, streets, companies = pools.CITIES, pools.STREETS, pools.COMPANIES
    batch = []
    for n in range(1, rows + 1):
        first, last = rng.choice(pools.FIRST_NAMES), rng.choice(pools.LAST_NAMES)
        city, province, postal, area = cities[min(len(cities) - 1, int(len(cities) * rng.random() ** 2))]
        slug = pools.slug(first) + "." + pools.slug(last)
        created = start + datetime.timedelta(minutes=n * 7)
        row = [f"{n:08x}-5c1e-4c3a-9d2e-{n * 7919 % 10**12:012d}", first, last, rng.choice(pools.TITLES),
               f"{slug}{n % 97}@{rng.choice(pools.EMAIL_DOMAINS)}", rng.choice(("fr", "en")),
               f"({area}) {200 + n % 800}-{n * 31 % 10000:04d}",
               f"+1 {area} {300 + n % 700} {n * 17 % 10000:04d}" if rng.random() < 0.6 else None,
               f"{10 + n % 8990} {rng.choice(streets)}", city, province,
               f"{postal} {n % 9 + 1}{chr(65 + n % 26)}{n % 7 + 2}", "Canada",
               f"https://www.{pools.slug(last)}{n % 500}.ca"
               if rng.random() < 0.3 else None,
               f"Représentant {n % 10:02d} A", f"Représentant {(n + 3) % 10:02d} A" if n % 4 == 0 else None,
               rng.random() < 0.7, "active", n % 11 == 0, created, created + datetime.timedelta(days=n % 400),
               rng.choice(pools.SECTORS), rng.randint(0, 1000) if rng.random() < 0.9 else None,
               (created + datetime.timedelta(days=30 + n % 90)).date() if rng.random() < 0.5 else None,
               rng.choice(companies).replace("{}", last)]
        if n % 200 == 0:
            row[(n // 200) % 5 + 1] = HOSTILE[(n // 200) % len(HOSTILE)]
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _guard():
    """The product's text guard (libs/carnet_common/carnet_common/xlsx.py): ``(safe_text, hostile)``."""
    from carnet_common import xlsx
    return xlsx.safe_text, xlsx.runs_as_formula


# Writers (each run in a child process) ----------------------------------------------------------------------

def write_openpyxl(path, rows, timer):
    """openpyxl write-only with the guard the exports had until issue 9 §3: a quote-prefixed text cell for a
    string a spreadsheet would run, other values as they are."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    safe_text, hostile = _guard()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Contacts")

    def make_cell(value):
        if isinstance(value, str):
            value = safe_text(value)
            if hostile(value):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type, cell.quotePrefix = "s", True
                return cell
        return value
    sheet.append([make_cell(h) for h in HEADERS])
    for batch in rows:
        with timer:
            for row in batch:
                sheet.append([make_cell(value) for value in row])
    with timer:
        workbook.save(path)


def _product_columns():
    from carnet_common import xlsx
    kinds = {"subscribed": xlsx.BOOLEAN, "is_primary": xlsx.BOOLEAN, "created_at": xlsx.DATETIME,
             "updated_at": xlsx.DATETIME, "custom.score": xlsx.NUMBER, "custom.rappel": xlsx.DATE}
    return [xlsx.Column(header, kinds.get(key, xlsx.TEXT)) for key, header in zip(KEYS, HEADERS, strict=True)]


def write_product(path, rows, timer, *, repeated_header=False):
    """``carnet_common.xlsx.write_sheet`` as the exports call it; with a repeated header it takes its XlsxWriter
    path (the column is repeated with its values). The rows are pulled inside the timed call: the child subtracts
    the generator's own time."""
    from carnet_common import xlsx
    columns = _product_columns()
    if repeated_header:
        columns.append(columns[0])
        rows = ([[*row, row[0]] for row in batch] for batch in rows)
    with timer:
        xlsx.write_sheet(path, title="Contacts", columns=columns, batches=rows)


def write_xlsxwriter(path, rows, timer):
    import xlsxwriter
    safe_text, hostile = _guard()
    with timer:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                              "strings_to_urls": False, "strings_to_numbers": False})
        sheet = workbook.add_worksheet("Contacts")
        quoted = workbook.add_format({"quote_prefix": True})
        stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for col, header in enumerate(HEADERS):
            sheet.write_string(0, col, header)
    r = 0
    for batch in rows:
        with timer:
            for row in batch:
                r += 1
                for col, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, str):
                        value = safe_text(value)
                        if hostile(value):
                            sheet.write_string(r, col, value, quoted)
                        else:
                            sheet.write_string(r, col, value)
                    elif isinstance(value, bool):
                        sheet.write_boolean(r, col, value)
                    elif isinstance(value, datetime.datetime):
                        sheet.write_datetime(r, col, value, stamp)
                    elif isinstance(value, datetime.date):
                        sheet.write_datetime(r, col, value, day)
                    else:
                        sheet.write_number(r, col, value)
    with timer:
        workbook.close()


def _rustpy_records(rows, timer, safe_text):
    """Dicts keyed by header, strings cleaned like the product's; the conversion is timed as writer work."""
    for batch in rows:
        with timer:
            records = [{h: safe_text(v) if isinstance(v, str) else v for h, v in zip(HEADERS, row, strict=False)}
                       for row in batch]
        yield from records


def write_rustpy(path, rows, timer, *, as_list):
    import rustpy_xlsxwriter
    safe_text, _ = _guard()
    text_columns = {h: rustpy_xlsxwriter.Format().set_quote_prefix()
                    for h, k in zip(HEADERS, KEYS, strict=False)
                    if k not in ("subscribed", "is_primary", "created_at", "updated_at", "custom.score",
                                 "custom.rappel")}
    records = _rustpy_records(rows, timer, safe_text)
    if as_list:
        records = list(records)
    with timer:
        rustpy_xlsxwriter.write_worksheet(records, str(path), sheet_name="Contacts", column_formats=text_columns,
                                          datetime_format="yyyy-mm-dd hh:mm:ss")


class Timer:
    """Adds up the time spent inside ``with timer:`` blocks (the writer's calls), not the row generator's."""

    def __init__(self):
        self.seconds = 0.0
        self.outer = None

    def __enter__(self):
        if self.outer is None:
            self.outer = time.perf_counter()
            self.depth = 0
        self.depth += 1

    def __exit__(self, *exc):
        self.depth -= 1
        if self.depth == 0:
            self.seconds += time.perf_counter() - self.outer
            self.outer = None


def child(writer, rows, path):
    """One writer in this process; prints its figures as JSON."""
    timer = Timer()
    generated = {"s": 0.0}

    def timed_rows():
        source = batches(rows)
        while True:
            t0 = time.perf_counter()
            batch = next(source, None)
            generated["s"] += time.perf_counter() - t0
            if batch is None:
                return
            yield batch

    t0 = time.perf_counter()
    if writer == "none":
        for _ in timed_rows():
            pass
    elif writer == "openpyxl":
        write_openpyxl(path, timed_rows(), timer)
    elif writer.startswith("product"):
        write_product(path, timed_rows(), timer, repeated_header=writer == "product_xlsxwriter")
    elif writer == "xlsxwriter":
        write_xlsxwriter(path, timed_rows(), timer)
    elif writer.startswith("rustpy"):
        write_rustpy(path, timed_rows(), timer, as_list=writer == "rustpy_list")
    total = time.perf_counter() - t0
    writer_s = timer.seconds - (generated["s"] if writer in PULLING else 0)
    print(json.dumps({"writer_s": round(writer_s, 2), "generator_s": round(generated["s"], 2),
                      "total_s": round(total, 2), "vmhwm_mib": _own_peak_mib()}))


def _own_peak_mib():
    """This process's peak resident memory since its exec (``VmHWM``). ``ru_maxrss`` of a child is not that:
    Linux folds in the peak of the parent's memory it was forked from, so a parent of 100 MiB made every child
    look as large."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def run_child(argv):
    """``(figures, peak RSS MiB)`` of a child process: the peak it reports itself (``_own_peak_mib``)."""
    process = subprocess.Popen([sys.executable, __file__, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    out = process.stdout.read()
    err = process.stderr.read()
    _, status = os.waitpid(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{argv}: exit {process.returncode}: {err[-2000:]}")
    figures = json.loads(out.strip().splitlines()[-1])
    return figures, figures.pop("vmhwm_mib")


# Checking the files ---------------------------------------------------------------------------------------

def check(path, rows):
    """Reopen with openpyxl read-only: formulas, strings as written, guarded strings quote-prefixed."""
    import openpyxl
    from openpyxl.utils.escape import unescape
    safe_text, hostile = _guard()
    t0 = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True)
    sheet = workbook.worksheets[0]
    found = {"rows": 0, "formula_cells": 0, "strings_checked": 0, "strings_differing": 0,
             "hostile_strings": 0, "hostile_text_ok": 0, "hostile_quote_prefixed": 0, "examples_differing": []}
    expected = (row for batch in batches(rows) for row in batch)
    iterator = sheet.iter_rows()
    next(iterator)   # header
    for cells, want in zip(iterator, expected, strict=False):
        found["rows"] += 1
        for cell, value in zip(cells, want, strict=False):
            if cell.data_type == "f":
                found["formula_cells"] += 1
            if isinstance(value, str):
                value = safe_text(value)
                found["strings_checked"] += 1
                if unescape(cell.value) != value:
                    found["strings_differing"] += 1
                    if len(found["examples_differing"]) < 5:
                        found["examples_differing"].append({"wrote": value, "read": str(cell.value),
                                                            "type": cell.data_type})
                if hostile(value):
                    found["hostile_strings"] += 1
                    found["hostile_text_ok"] += unescape(cell.value) == value and cell.data_type in ("s", "inlineStr")
                    found["hostile_quote_prefixed"] += bool(cell.style_array.quotePrefix)
    workbook.close()
    found["all_text_safe"] = (found["formula_cells"] == 0 and found["strings_differing"] == 0
                              and found["hostile_text_ok"] == found["hostile_strings"] and found["rows"] == rows)
    found["check_s"] = round(time.perf_counter() - t0, 1)
    return found


# The export path without the writer (1M database) --------------------------------------------------------

def floor_child(state_path, phase, score_below):
    """One phase of the export path in this process (see the module docstring); prints JSON. The engine is the one
    a job of the service runs on (``jobs.thread_engine``: the service's session settings), without its timeout."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.orm import Session

    from carnet_common import config, db, xlsx
    from carnet_common import jobs as kit
    from carnet_contacts import contracts
    from carnet_contacts.exports import export_xlsx
    from carnet_contacts.exports import repository as repo
    from carnet_contacts.exports import usecases as jobs
    from carnet_contacts.exports.contracts import ExportRequest
    from carnet_contacts.records.contracts import SearchQuery

    state = json.loads(Path(state_path).read_text())
    url = make_url(config.database_url()).set(database=state["database"]).render_as_string(hide_password=False)
    engine = kit.thread_engine(db.get_engine(url))
    a = state["orgs"]["A"]
    actor = contracts.Actor().load({"org_id": a["org_id"], "user_id": a["admin_id"], "is_admin": True})
    criteria = {"op": "and", "items": [{"field": "custom.score", "cmp": "lt", "value": score_below}]}
    every = [k for k in ("first_name", "last_name", "title", "email", "language", "phone", "mobile", "fax",
                         "other_phone", "street", "city", "province", "postal_code", "country", "website", "rep1_id",
                         "rep2_id", "subscribed", "status", "is_primary")]
    request = ExportRequest().load({"record_type": "contact", "query": {"criteria": json.dumps(criteria)},
                                    "record_fields": every, "account_fields": ["name", "email", "phone", "city"],
                                    "language": "fr"})
    request["query"] = SearchQuery().load(request["query"])
    figures = {}
    with Session(engine) as session:
        db.no_statement_timeout(session)
        t0 = time.perf_counter()
        selection = jobs._selection(session, actor=actor, request=request)
        figures["selection_s"] = round(time.perf_counter() - t0, 3)
        definitions = repo.custom_definitions(session, org_id=actor["org_id"], record_type="contact",
                                              denied_keys=[])
        columns = export_xlsx.columns_for("contact", fields=request["record_fields"],
                                          account_fields=request["account_fields"], custom_definitions=definitions)
        figures["columns"] = len(columns)
        t0 = time.perf_counter()
        rows = 0

        def stream():
            return repo.stream_rows(session, "contact", predicates=selection[0], sort=selection[1], columns=columns)
        if phase == "read":
            for batch in stream():
                rows += len(batch)
        elif phase == "values":
            for batch in export_xlsx.cells(columns, stream()):
                for row in batch:
                    [xlsx.cell_value(value) for value in row]
                rows += len(batch)
        elif phase == "full":
            path = Path(tempfile.mkdtemp()) / "export.xlsx"
            rows = jobs.write_export(session, actor=actor, request=request, selection=selection, path=path)
            figures["file_mb"] = round(path.stat().st_size / 1e6, 1)
            path.unlink()
        elif phase == "writer":
            held = [list(batch) for batch in export_xlsx.cells(columns, stream())]
            figures["read_s"] = round(time.perf_counter() - t0, 2)
            # The 3.1M values held are left out of the garbage collector's passes (an export holds one batch):
            # walking them on every full collection doubled the writer's time (6.9 s instead of ~3).
            gc.freeze()
            path = Path(tempfile.mkdtemp()) / "export.xlsx"
            t0 = time.perf_counter()
            rows = xlsx.write_sheet(path, title="Contacts", columns=export_xlsx.sheet_columns(columns, "fr"),
                                    batches=held)
            path.unlink()
        session.rollback()
        figures["seconds"] = round(time.perf_counter() - t0, 2)
        figures["rows"] = rows
    engine.dispose()
    figures["vmhwm_mib"] = _own_peak_mib()
    print(json.dumps(figures))


def export_floor(state, score_below):
    phases = {"read": "stream_rows only (server-side cursor, 5,000-row batches of tuples)",
              "values": "stream_rows + the cells of every column (what the writer is handed)",
              "full": "usecases.write_export: the job's path in process (stream + write_sheet), no eventlet",
              "writer": "write_sheet alone on the same rows held in memory (the writer's floor on real rows)"}
    found = []
    for phase, label in phases.items():
        print(f"xlsx: export floor, {phase} …", flush=True)
        figures, rss = run_child(["--floor-child", str(state), phase, str(score_below)])
        found.append({"phase": phase, "what": label, "peak_rss_mib": rss, **figures})
        print(f"  {figures['rows']:,} rows, {figures['seconds']} s, peak RSS {rss} MiB", flush=True)
    return found


# Report --------------------------------------------------------------------------------------------------

def markdown(results):
    out = [f"# Export writers — {results['started_at'][:10]}", "",
           f"Command: `{results['command']}`. {results['rows']:,} rows × {len(HEADERS)} cells, batches of {BATCH:,}; "
           f"load average before {results['loadavg_before']}, after {results.get('loadavg_after', '?')} (the box is "
           "shared: the per-writer box busy % is in the table).", "",
           "| writer | writer s | generator s | total s | peak RSS MiB | box busy | file MB | no formula cell | "
           "strings as written | hostile strings text / quote-prefixed | all text-safe |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for w in results["writers"]:
        c = w.get("check") or {}
        hostile = f"{c.get('hostile_text_ok', '–')}/{c.get('hostile_strings', '–')} / " \
                  f"{c.get('hostile_quote_prefixed', '–')}" if c else "–"
        out.append(f"| {WRITER_LABELS[w['writer']]} | **{w['writer_s']}** | {w['generator_s']} | {w['total_s']} | "
                   f"**{w['peak_rss_mib']}** | {w['box_busy_pct']} % | {w.get('file_mb', '–')} | "
                   f"{'yes' if c and c['formula_cells'] == 0 else ('–' if not c else 'NO: ' + str(c['formula_cells']))} | "
                   f"{'–' if not c else ('yes' if c['strings_differing'] == 0 else 'NO: ' + str(c['strings_differing']))} | "
                   f"{hostile} | {'–' if not c else ('**yes**' if c['all_text_safe'] else '**NO**')} |")
    differing = [(w["writer"], w["check"]["examples_differing"]) for w in results["writers"]
                 if w.get("check", {}).get("examples_differing")]
    for writer, examples in differing:
        out += ["", f"{writer}: strings that came back different: " + "; ".join(
            f"wrote `{e['wrote']}`, read `{e['read']}` (type {e['type']})" for e in examples)]
    out += ["", "Writer s = time inside the writer's calls (for rustpy, building the dicts it takes is counted "
            "as writer work); generator s = making the rows, the same for all; peak RSS = the child's own "
            "`VmHWM` (the generator-only line is the baseline).", ""]
    if results.get("export_floor"):
        out += ["## The contacts export outside the writer (1M database, in process)", "",
                f"State `{results['export_floor_state']}`, criteria `custom.score < {results['score_below']}`.", "",
                "| phase | rows | seconds | peak RSS MiB |", "|---|---|---|---|"]
        for phase in results["export_floor"]:
            out.append(f"| {phase['what']} | {phase['rows']:,} | **{phase['seconds']}**"
                       + (f" (read {phase['read_s']} s first)" if "read_s" in phase else "")
                       + f" | {phase['peak_rss_mib']} |")
        out.append("")
    out += ["Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items() if v) + ".", ""]
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--writers", default=",".join(WRITERS))
    parser.add_argument("--export-floor", type=Path, metavar="STATE", help="a bench/contacts --keep-db state file")
    parser.add_argument("--score-below", type=int, default=101, help="the export's criteria (101: ~100k of 1M)")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    parser.add_argument("--name", default=None)
    args = parser.parse_args(argv)
    from importlib import metadata
    started = datetime.datetime.now().astimezone()
    name = f"xlsx-{started:%Y-%m-%d}" + (f"-{args.name}" if args.name else "")
    versions = {}
    for package in ("openpyxl", "lxml", "XlsxWriter", "rustpy-xlsxwriter", "et-xmlfile"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    results = {"name": name, "started_at": started.isoformat(timespec="seconds"),
               "command": "python bench/xlsx/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
               "rows": args.rows, "machine": sysinfo.machine(), "versions": versions,
               "loadavg_before": sysinfo.machine()["loadavg_before"], "writers": []}
    args.out.mkdir(parents=True, exist_ok=True)

    def save():
        (args.out / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        (args.out / f"{name}.md").write_text(markdown(results))

    workdir = Path(tempfile.mkdtemp(prefix="carnet-bench-xlsx-"))
    for writer in [w for w in args.writers.split(",") if w]:
        path = workdir / f"{writer}.xlsx"
        print(f"xlsx: {WRITER_LABELS[writer]} …", flush=True)
        busy0 = sysinfo._box_ticks()
        figures, rss = run_child(["--child", writer, str(args.rows), str(path)])
        busy1 = sysinfo._box_ticks()
        entry = {"writer": writer, "peak_rss_mib": rss, **figures,
                 "box_busy_pct": round(100 * (busy1[0] - busy0[0]) / max(busy1[1] - busy0[1], 1))}
        print(f"  writer {figures['writer_s']} s, total {figures['total_s']} s, peak RSS {rss} MiB", flush=True)
        if path.exists():
            entry["file_mb"] = round(path.stat().st_size / 1e6, 1)
            print("  checking the file …", flush=True)
            entry["check"] = check(path, args.rows)
            path.unlink()
            print(f"  all text-safe: {entry['check']['all_text_safe']}", flush=True)
        results["writers"].append(entry)
        save()
    if args.export_floor:
        results["export_floor_state"] = str(args.export_floor)
        results["score_below"] = args.score_below
        results["export_floor"] = export_floor(args.export_floor, args.score_below)
    results["loadavg_after"] = sysinfo.machine()["loadavg_before"]
    results["finished_at"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    save()
    print(markdown(results))
    workdir.rmdir()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
    elif sys.argv[1:2] == ["--floor-child"]:
        floor_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(main())
