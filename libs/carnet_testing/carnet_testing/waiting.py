"""Waiting for what follows a request asynchronously (events, read models, jobs, mail), and proofs that an event
was handled, so a test that asserts that nothing happened first knows that something could have happened.

Never sleep and then assert an absence: on a busy machine the sleep ends before the work it waits for. Wait for
proof instead: the inbox row of the event (``handled``), a duplicate counted (``metric_value``), or a sentinel
handled after it.
"""
import time
import urllib.request

import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.dialects.postgresql import UUID


def eventually(fetch, until=bool, *, timeout=20, interval=0.1, what=None):
    """``fetch()`` again until ``until(result)`` holds, and that result; after ``timeout`` seconds an AssertionError
    naming ``what`` and the last result (a response's text)."""
    deadline = time.monotonic() + timeout
    while True:
        result = fetch()
        if until(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what or 'condition'} not reached in {timeout} s; last: "
                                 f"{getattr(result, 'text', result)!r}")
        time.sleep(interval)


def handled(engine, schema, event_ids, *, handler=None, timeout=20):
    """Until the service owning ``schema`` has recorded every one of ``event_ids`` in its inbox (by ``handler``, a
    ``<service>.<method>`` name, when given): the inbox row commits with the event's effect, so it proves the event
    was handled, whether it changed anything or not."""
    inbox = sa.table("inbox", sa.column("event_id", UUID(as_uuid=False)), sa.column("handler"), schema=schema)
    wanted = sorted({str(event_id) for event_id in event_ids})
    query = sa.select(sa.func.count(sa.distinct(inbox.c.event_id))).where(inbox.c.event_id.in_(wanted))
    if handler is not None:
        query = query.where(inbox.c.handler == handler)

    def count():
        with engine.connect() as conn:
            return conn.execute(query).scalar()
    return eventually(count, lambda n: n == len(wanted), timeout=timeout, what=f"{schema} inbox rows of {wanted}")


def parked(engine, schema, event_id, *, timeout=20):
    """Until ``event_id`` is parked in the service's dead letters (``<schema>.inbox_failures``): the row."""
    failures = sa.table("inbox_failures", sa.column("event_id", UUID(as_uuid=False)), sa.column("handler"),
                        sa.column("attempts"), sa.column("last_error"), sa.column("parked"), schema=schema)

    def row():
        with engine.connect() as conn:
            return conn.execute(sa.select(failures).where(failures.c.event_id == str(event_id),
                                                          failures.c.parked)).mappings().first()
    return eventually(row, timeout=timeout, what=f"event {event_id} parked in {schema}")


def metric_value(address, name, **labels):
    """The value of sample ``name`` with ``labels`` on the ``/metrics`` page at ``host:port`` (0 when absent)."""
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=5) as response:
        text = response.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value or 0.0
    return 0.0
