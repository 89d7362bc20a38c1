"""The delete preview asks the opportunities service what hangs on a record (C-10) through the proxy it is given:
here hand-written fakes of it, answering, timing out, absent. Whatever happens there, the preview goes on."""
import time

import eventlet
import pytest
from nameko.exceptions import UnknownService

from carnet_common.rpc import RpcTimeout, TimedProxy
from carnet_contacts.lifecycle import usecases

ACTOR = {"org_id": "o1", "user_id": "u1", "is_admin": False, "flags": {}, "subordinate_ids": []}


class Opportunities:
    """What ``ServiceRpc("opportunities")`` gives a worker, as far as the preview uses it."""

    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer, error, []

    def dependents_of(self, caller, record_type, record_id):
        self.calls.append((caller, record_type, record_id))
        if self.error is not None:
            raise self.error
        return self.answer


def dependents(opportunities):
    return usecases.opportunities_dependents(opportunities, actor=ACTOR, list_ids={"l2", "l1"},
                                             record_type="contact", record_id="c1")


def test_an_answer_lists_the_opportunities_and_tasks_with_their_totals():
    opportunities = Opportunities(answer={"opportunities": [{"id": "o"}], "tasks": [{"id": "t"}],
                                          "opportunities_total": 1, "tasks_total": 3})
    assert dependents(opportunities) == {"opportunities": [{"id": "o"}], "tasks": [{"id": "t"}],
                                         "opportunities_total": 1, "tasks_total": 3}
    # the caller as the opportunities service needs it: with the lists they see, in a stable order
    assert opportunities.calls == [({**ACTOR, "list_ids": ["l1", "l2"]}, "contact", "c1")]


def test_an_answer_without_totals_counts_none():
    assert dependents(Opportunities(answer={})) == {"opportunities": [], "tasks": [], "opportunities_total": 0,
                                                    "tasks_total": 0}


@pytest.mark.parametrize("error", [RpcTimeout("opportunities.dependents_of: no reply in 3 s"),
                                   UnknownService("opportunities"), ConnectionError("broker gone")])
def test_no_answer_is_said_rather_than_waited_for_or_failed(error):
    assert dependents(Opportunities(error=error)) == {"dependents_unavailable": True}


class Silent:
    """nameko's worker proxy to a service that takes the call and never replies."""
    service_name = "opportunities"

    def __getattr__(self, name):
        return self

    def call_async(self, *args, **kwargs):
        return self

    def result(self):
        eventlet.sleep(30)


def test_a_service_that_never_replies_costs_the_preview_the_proxy_s_timeout_only():
    started = time.monotonic()
    assert dependents(TimedProxy(Silent(), timeout=0.1)) == {"dependents_unavailable": True}
    assert time.monotonic() - started < 2
