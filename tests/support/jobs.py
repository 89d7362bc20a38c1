"""Background jobs (N-4) held in their queue until a test lets them run: the suites that need it start their
system with ``EXPORT_JOBS_RUN=false`` (every replica serves the job RPCs, none runs a job), change what they need
while a job waits, then start ``job_runner`` — one more replica of the service, the only one that runs jobs —
and wait for the job's outcome. No sleep: a job is queued until that replica exists."""
import contextlib

import pytest
from stack import SERVICES

HELD = {"EXPORT_JOBS_RUN": "false"}


@contextlib.contextmanager
def job_runner(stack, service_name):
    """A replica of ``service_name`` that runs its queued jobs (``EXPORT_JOBS_RUN=true``); stopped on exit."""
    service = next(s for s in SERVICES if s["name"] == service_name)
    process = stack.start_replica(service, f"{service_name}-jobs", EXPORT_JOBS_RUN="true")
    try:
        yield process
    finally:
        stack.stop_process(process)
        stack.processes.remove(process)

# What a job refused when it was to run says (carnet_gateway/catalogs/exports.py), as both suites check it.
NARROWED = {"en": "The export was not run: your permissions, visibility or lists changed since you asked for it.",
            "fr": "L'exportation n'a pas été faite : vos permissions, votre visibilité ou vos listes ont changé"}


def held_stack_fixtures(start_stack, caps):
    """``(held_stack, base_url)`` module fixtures: a system of the module's own whose jobs wait (``HELD``) under
    ``caps``; ``base_url`` overrides the session stack's for the module (and its ``org`` fixture)."""
    @pytest.fixture(scope="module")
    def held_stack(tmp_path_factory):
        with start_stack(tmp_path_factory.mktemp("logs") / "stack.log", **caps, **HELD) as running:
            yield running

    @pytest.fixture(scope="module")
    def base_url(held_stack):
        return held_stack.url
    return held_stack, base_url
