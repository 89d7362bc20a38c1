"""The server and its OpenAPI document agree (issue 10 §5, docs/rules/http-api.md): schemathesis with every check
(``-c all``) over ``/api/openapi.json`` of a fresh system, bounded for ``make test``; ``make fuzz`` is the long run
(tests/api_fuzz/fuzz.py: same system, seeding, hooks and checks, more examples, a new seed each time).

Bounded: one fixed seed, ``MAX_EXAMPLES`` examples per operation and phase. Any failure of any check fails the
test, which prints schemathesis's failures and keeps its report under ``.run/fuzz/suite-<time>/``; replay a case
with ``st replay <id>`` from there.

What is left out, and why (nothing else is):
- the operation ``post_identity_logout`` (``fuzz.EXCLUDED_OPERATIONS``): it ends the run's own session; its
  answers are checked by tests/e2e.
- The phases: examples, coverage and fuzzing all run; the stateful phase (chains of calls through the links
  schemathesis infers) runs in ``make fuzz`` only, as it alone takes longer than this suite's budget.
- Values the document cannot state are given, never skipped (``api_fuzz_hooks``): the ids of the organization's
  records (by another value of the request where it decides which: a merge's two records of its ``record_type``,
  an attachment's record, an import's columns and fields), its field keys, a real .xlsx for an import and the
  caller's ``current_password`` in requests meant to be valid, and a new ``Idempotency-Key`` per request.
- Writes (and bulk actions) naming one of those seeded records (``api_fuzz_hooks.filter_case``): they would
  change or delete what the later valid requests name. The same operations run with every other id.
- Budget (this 2-core box, shared): about 20 s to start the system, 60 to 75 s of schemathesis with 2 workers.
"""
import json
import time

import fuzz
import pytest
import requests

SEED = 20261206
MAX_EXAMPLES = 2
PHASES = ("examples", "coverage", "fuzzing")
WORKERS = 2


@pytest.fixture(scope="module")
def run_dir():
    path = fuzz.ROOT / ".run" / "fuzz" / f"suite-{time.strftime('%Y-%m-%dT%H-%M-%S')}"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def system(run_dir):
    with fuzz.system(run_dir / "stack.log") as running:
        yield running


@pytest.fixture(scope="module")
def seeded(system):
    return fuzz.Seeder(system.url, system=system).seed()


def _failures(output):
    """The part of schemathesis's output that says what failed."""
    start = output.find("=== FAILURES ===")
    return output[start:] if start >= 0 else output[-6000:]


def test_the_server_answers_what_its_document_says(system, seeded, run_dir):
    started = time.monotonic()
    result, _ = fuzz.run_schemathesis(system.url, seeded, work_dir=run_dir, max_examples=MAX_EXAMPLES, seed=SEED,
                                      phases=PHASES, workers=WORKERS)
    output = result.stdout + result.stderr
    print(f"schemathesis: {time.monotonic() - started:.0f} s, report in {run_dir}")
    assert "API Operations:" in output, output[-3000:]  # it ran, over the whole document
    assert result.returncode == 0, _failures(output)[:20000]


def _json(value):
    return json.dumps(value, ensure_ascii=False)


def _leaf(value):
    return {"field": "city", "cmp": "contains", "value": value}


def _longest_criteria(length, character="\U0001f60d"):
    """Criteria JSON of exactly ``length`` characters, leaves of 400 ``character`` (a leaf's value has at most
    500), the last one shorter: as long as the document allows, each character 12 bytes in a query."""
    items = []
    while len(_json({"op": "or", "items": [*items, _leaf(character * 400)]})) <= length:
        items.append(_leaf(character * 400))
    short = length - len(_json({"op": "or", "items": [*items, _leaf("")]}))
    text = _json({"op": "or", "items": [*items, _leaf(character * short)]})
    assert len(text) == length
    return text


def test_the_longest_query_the_document_allows_is_read_and_a_longer_line_is_a_problem(system, seeded):
    """gunicorn refuses a request line over its limit before the API reads it (gateway/gunicorn.conf.py): criteria
    as long as the document allows, each character 12 bytes once percent-encoded, still get their answer; a
    longer line gets a 414 problem+json (carnet_gateway/worker.py), in English and French."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {seeded['token']}"
    url = f"{system.url}{fuzz.API}/contacts"
    response = http.get(url, params={"criteria": _longest_criteria(20_000)}, timeout=60)
    assert len(response.request.url) > 200_000  # of 262,144 bytes at most
    assert response.status_code == 200, response.text[:500]
    assert response.json()["total"] == 0

    response = http.get(url, params={"criteria": "x" * 270_000}, timeout=60)
    assert response.status_code == 414, response.text[:500]
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["status"], problem["code"]) == (414, "request_line_too_long")
    assert "262144 bytes" in problem["detail"] and "262144 octets" in problem["detail"]

    just_over = http.get(url, params={"criteria": _longest_criteria(20_001, "x")}, timeout=60)  # the document's bound
    assert just_over.status_code == 422 and "criteria" in just_over.json()["errors"], just_over.text[:500]
