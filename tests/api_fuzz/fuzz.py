"""Schemathesis over the gateway's own OpenAPI document, with every check (issue 10 §5, docs/rules/http-api.md).

``python tests/api_fuzz/fuzz.py`` (``make fuzz``) starts a whole system as ``make run`` does (scripts/stack.py) on
fresh storage, signs up an organization, gives it the records a valid request names, and runs ``schemathesis run
-c all`` over ``/api/openapi.json`` as its administrator; the report is written under ``.run/fuzz/``. The bounded
suite (test_conformance.py) runs the same thing with fewer examples.

JSON Schema can say what a request looks like, not which records exist: an id a body names (a rep, a list, an
account), a custom field key, a criteria field or a sort key is valid only if the organization has it, and a
``current_password`` only if it is the caller's. Those values, in requests meant to be valid, are the
organization's own (``fuzz_values``, put there by the hooks of api_fuzz_hooks.py in every phase), and the writes
that would change or delete the records they name are not sent; everything else comes from the document alone.
The administrator's token is fetched again if it stops working (``[auth.dynamic]``).
"""
import argparse
import base64
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT / "scripts", ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

API = "/api/v1"
PASSWORD = "correct-horse-battery"
# Test settings: the abuse limits (S-10) stay on but out of the fuzzer's reach; one fuzzer hammers one account
# from one address, thousands of times a minute.
SETTINGS = {
    "LOG_LEVEL": "WARNING",
    "API_REQUESTS_PER_USER_MINUTE": 1_000_000,
    "LOGIN_MAX_FAILURES_PER_USER": 1_000_000,
    "LOGIN_MAX_FAILURES_PER_IP": 1_000_000,
    "LOGIN_MAX_FAILURES_PER_USER_AND_IP": 1_000_000,
    "LOGIN_MAX_ATTEMPTS_PER_IP_MINUTE": 1_000_000,
    "SIGNUP_MAX_PER_ADDRESS": 1_000_000,
    "SIGNUP_MAX_TOTAL": 1_000_000,
    "SIGNUP_MAX_TAKEN_PER_ADDRESS": 1_000_000,
    "SIGNUP_MAX_TAKEN_TOTAL": 1_000_000,
}
# Never run: logging out would end the run's session (its answer is checked by tests/e2e).
EXCLUDED_OPERATIONS = ("post_identity_logout",)


def _ok(response, status=200):
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json() if status != 204 else None


class Seeder:
    def __init__(self, base_url, system=None):
        """``system``: the one ``system()`` started, whose DNS server and operator make a sending domain usable."""
        self.base_url, self.system = base_url, system
        self.http = requests.Session()

    def call(self, method, path, status=200, **kwargs):
        return _ok(self.http.request(method, self.base_url + API + path, timeout=30, **kwargs), status)

    def seed(self):
        """An organization on the plan with the most seats, its administrator logged in, and one record of each
        kind a body may name; returns the values the dictionaries offer."""
        suffix = os.urandom(4).hex()
        username = f"fuzz_admin_{suffix}"
        created = self.call("POST", "/organizations", 201, json={
            "name": f"Fuzz {suffix}", "admin": {"username": username, "password": PASSWORD,
                                                "full_name": "Fuzz Admin", "email": f"{username}@example.com"}})
        token = self.call("POST", "/auth/login", json={"username": username, "password": PASSWORD})["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        admin_id = created["user"]["id"]
        role = self.call("POST", "/roles", 201, json={"name": "Fuzz role"})
        rep = self.call("POST", "/users", 201, json={
            "username": f"fuzz_rep_{suffix}", "password": PASSWORD, "full_name": "Fuzz Rep",
            "email": f"fuzz_rep_{suffix}@example.com", "role_id": role["id"]})
        shared = self.call("POST", "/lists", 201, json={"name": "Fuzz shared", "access_all_users": True})
        other_list = self.call("POST", "/lists", 201, json={"name": "Fuzz other", "access_all_users": True})
        for module in ("contacts", "accounts"):
            self.call("POST", f"/custom-fields/{module}", 201,
                      json={"key": CUSTOM_KEY, "type": "text", "label_fr": "Secteur", "label_en": "Industry"})
        self.call("POST", "/custom-fields/opportunities", 201,
                  json={"key": CUSTOM_KEY, "type": "text", "label_fr": "Secteur", "label_en": "Industry"})
        account = self.call("POST", "/accounts", 201, json={"name": "Fuzz account", "list_ids": [shared["id"]]})
        contact = self.call("POST", f"/accounts/{account['id']}/contacts", 201,
                            json={"last_name": "Fuzz", "list_ids": [shared["id"]]})
        other = self.call("POST", "/contacts", 201, json={"last_name": "Other", "list_ids": [shared["id"]],
                                                          "account_id": account["id"]})
        stages = self.call("GET", "/stages")
        substage = self.call("POST", f"/stages/{stages[0]['id']}/substages", 201,
                             json={"label_fr": "Fuzz", "label_en": "Fuzz"})
        opportunity = self.call("POST", "/opportunities", 201, json={
            "title": "Fuzz deal", "account_id": account["id"], "contact_id": contact["id"],
            "stage_id": stages[0]["id"]})
        task = self.call("POST", "/tasks", 201, json={"type": "call", "title": "Fuzz task",
                                                      "contact_id": contact["id"]})
        # the custom field enrichment fills (carnet_contracts.enrichment.CUSTOM_KEYS), and a documents folder
        self.call("POST", "/custom-fields/contacts", 201,
                  json={"key": ENRICHED_KEY, "type": "text", "label_fr": "Industrie", "label_en": "Industry"})
        folder = self.call("POST", "/document-folders", 201, json={"name": "Fuzz folder"})
        # Two pairs a valid merge names (C-20), left unprotected: the first valid merge of each pair is made (201),
        # the later ones answer 404 or 409 (the loser is gone, a version changed).
        merge_pairs = {
            "contact": [self.call("POST", "/contacts", 201, json={"last_name": f"Merge {side}",
                                                                  "list_ids": [shared["id"]]})["id"]
                        for side in ("A", "B")],
            "account": [self.call("POST", "/accounts", 201, json={"name": f"Merge {side}",
                                                                  "list_ids": [shared["id"]]})["id"]
                        for side in ("A", "B")]}
        return {
            "sender_domain": self.sending_domain(suffix),
            "token": token, "username": username, "admin_id": admin_id,
            "users": [rep["id"]], "roles": [role["id"]], "lists": [shared["id"], other_list["id"]],
            "accounts": [account["id"]], "contacts": [contact["id"], other["id"]],
            "opportunities": [opportunity["id"]], "tasks": [task["id"]],
            "stages": [stages[0]["id"]], "substages": [substage["id"]], "folders": [folder["id"]],
            "merge_pairs": merge_pairs,
        }


    def sending_domain(self, suffix):
        """A usable sending domain of the organization (E-6): added, its records published in the system's DNS
        server, checked, and approved as the installation's operator does; None against a system of another's."""
        if self.system is None:
            return None
        import devdns
        name = f"news-{suffix}.fuzz.example"
        domain = self.call("POST", "/sending-domains", 201, json={"domain": name})
        for record in domain["records"]:
            devdns.publish(self.system.dns.path, record["name"], record["type"], record["value"])
        self.call("POST", f"/sending-domains/{domain['id']}/check")
        subprocess.run([sys.executable, "-m", "carnet_campaigns.operator", "approve-domain", name], check=True,
                       stdout=subprocess.DEVNULL, env={**os.environ, "AMQP_URI": self.system.env["AMQP_URI"]})
        return name


def _toml(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(key)} = {_toml(item)}" for key, item in value.items()) + " }"
    raise TypeError(value)


CRITERIA = {"op": "and", "items": [{"field": "city", "cmp": "contains", "value": "mont"}]}  # contacts and accounts
CUSTOM_KEY = "secteur"
ENRICHED_KEY = "industry"  # a custom field of the contacts that enrichment fills
SEEDED_KINDS = ("users", "roles", "lists", "accounts", "contacts", "opportunities", "tasks", "stages", "substages",
                "folders")


def xlsx_bytes():
    """A real workbook for ``POST /imports`` (the document says binary; the server reads only .xlsx, 415 else):
    a header row and two contacts."""
    import io

    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (("Prénom", "Nom", "Courriel"), ("Ana", "Fuzz", "ana@example.com"), ("Bo", "Fuzz", None)):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fuzz_values(seeded):
    """What ``api_fuzz_hooks.map_case`` puts in valid requests: records of the organization, fields it has."""
    user, other_user = seeded["admin_id"], seeded["users"][0]
    lists = seeded["lists"]
    return {
        "body": {
            "rep1_id": user, "rep2_id": other_user, "assignee_id": user, "manager_id": other_user,
            "user_ids": other_user, "role_id": seeded["roles"][0], "list_ids": seeded["lists"][0],
            # a bulk move goes from one list to another (the same one is a 422 the document states in words)
            "list_id": seeded["lists"][0], "from_list_id": seeded["lists"][1], "account_id": seeded["accounts"][0],
            "contact_id": seeded["contacts"][0], "other_id": seeded["contacts"][1],
            "opportunity_id": seeded["opportunities"][0], "stage_id": seeded["stages"][0],
            "substage_id": seeded["substages"][0], "custom": {CUSTOM_KEY: "Bois"}, "criteria": CRITERIA,
            "columns": [["city"]],
            # an automation copies from one list into another (the same one is a 422 the document states in words)
            "source_list_id": lists[1], "target_list_id": lists[0],
            "folder_id": seeded["folders"][0], "parent_id": seeded["folders"][0],
            # the caller's own password (S-10): five wrong ones end the run's session, and each costs an argon2 run
            "current_password": PASSWORD,
            # campaigns (issue 13): a template that exists, a sender of the organization's usable domain (E-5), a
            # domain to add that is no look-alike (E-6)
            "template_id": "builtin:blank", "domain": "letters.fuzz.example",
            **({"from_email": f"news@{seeded['sender_domain']}"} if seeded.get("sender_domain") else {}),
        },
        "query": {
            "account_id": seeded["accounts"][0], "contact_id": seeded["contacts"][0], "assignee_id": user,
            "opportunity_id": seeded["opportunities"][0], "stage": seeded["stages"][0], "user_id": user,
            "criteria": json.dumps(CRITERIA), "sort": "-city",
            # a period ends after it starts: a bound on one field set by the other
            "from": "1900-01-01", "folder_id": seeded["folders"][0],
        },
        # per operation (api_fuzz_hooks.OPERATIONS): the records a value names depend on another value
        "records": {"contact": seeded["contacts"][0], "account": seeded["accounts"][0]},
        "merge_pairs": seeded["merge_pairs"],
        "selected_lists": seeded["lists"],
        "enriched": {ENRICHED_KEY: "Bois"},
        "xlsx": base64.b64encode(xlsx_bytes()).decode("ascii"),
        "import_mapping": {"A": "city", "B": f"custom.{CUSTOM_KEY}"}, "import_key": f"custom.{CUSTOM_KEY}",
        # what the values above name: never changed nor deleted by a request of the run (api_fuzz_hooks.filter_case)
        "protected": sorted({seeded["admin_id"], *(value for kind in SEEDED_KINDS for value in seeded[kind]),
                             CUSTOM_KEY, ENRICHED_KEY}),
    }


def config_text(base_url, seeded, *, max_examples, seed, phases, report_dir, workers=1):
    """The schemathesis.toml of a run."""
    lines = [
        f"seed = {seed}",
        f"workers = {workers}",
        "color = false",
        "warnings = false",
        "[reports]",
        f"directory = {_toml(str(report_dir))}",
        "[generation]",
        f"max-examples = {max_examples}",
        "database = \"none\"",
        # No string may hold NUL (info.description of the document): refused with 422 wherever it appears
        "allow-x00 = false",
        "[phases]",
        *[f"{name}.enabled = {_toml(name in phases)}" for name in ("examples", "coverage", "fuzzing", "stateful")],
        "[auth.dynamic.openapi.bearer]",
        f'path = "{API}/auth/login"',
        f"payload = {_toml({'username': seeded['username'], 'password': PASSWORD})}",
        'extract_selector = "/token"',
    ]
    return "\n".join(lines) + "\n"


def run_schemathesis(base_url, seeded, *, work_dir, max_examples, seed, phases, workers=1, extra_args=()):
    work_dir = Path(work_dir).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    config = work_dir / "schemathesis.toml"
    config.write_text(config_text(base_url, seeded, max_examples=max_examples, seed=seed, phases=phases,
                                  report_dir=work_dir / "report", workers=workers), encoding="utf-8")
    argv = [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config), "run",
            f"{base_url}/api/openapi.json", "--url", base_url, "--checks", "all",
            *[arg for op in EXCLUDED_OPERATIONS for arg in ("--exclude-operation-id", op)],
            "--report", "junit,json", *extra_args]
    values = work_dir / "values.json"
    values.write_text(json.dumps(fuzz_values(seeded)), encoding="utf-8")
    python_path = os.pathsep.join(filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")]))
    started = time.monotonic()
    result = subprocess.run(argv, cwd=work_dir, capture_output=True, text=True,
                            env={**os.environ, "SCHEMATHESIS_HOOKS": "api_fuzz_hooks", "FUZZ_VALUES": str(values),
                                 "PYTHONPATH": python_path})
    (work_dir / "output.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
    return result, time.monotonic() - started


@contextlib.contextmanager
def system(log_path):
    """A fresh system, with make run's DNS server (scripts/devdns.py) as its campaigns' resolver: the seeder
    publishes a sending domain there, so a campaign's sender may be one of a usable domain (E-5, E-6)."""
    import devdns
    from stack import fresh_stack
    dns = devdns.start(Path(log_path).with_name("dns.json"), port=0)
    try:
        with fresh_stack(log_path, CAMPAIGNS_DNS_SERVER="127.0.0.1", CAMPAIGNS_DNS_PORT=dns.port,
                         **SETTINGS) as running:
            running.dns = dns
            yield running
    finally:
        dns.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running gateway (default: start one)")
    parser.add_argument("--max-examples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / ".run" / "fuzz" / time.strftime("%Y-%m-%dT%H-%M-%S")))
    parser.add_argument("extra", nargs="*", help="more `schemathesis run` arguments (after --)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        running = None if args.url else stack.enter_context(system(out / "stack.log"))
        base_url = args.url or running.url
        seeded = Seeder(base_url, system=running).seed()
        result, elapsed = run_schemathesis(base_url, seeded, work_dir=out, max_examples=args.max_examples,
                                           seed=args.seed, phases=args.phases.split(","), workers=args.workers,
                                           extra_args=args.extra)
    print(result.stdout[-6000:])
    print(f"schemathesis exited {result.returncode} after {elapsed:.0f} s; report in {out}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
