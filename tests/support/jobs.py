"""Background jobs (N-4) held in their queue until a test lets them run: the suites that need it start their
system with ``EXPORT_JOBS_RUN=false`` (every replica serves the job RPCs, none runs a job), change what they need
while a job waits, then start ``job_runner`` — one more replica of the service, the only one that runs jobs —
and wait for the job's outcome. No sleep: a job is queued until that replica exists."""
import contextlib

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
