"""The installation operator's command line (E-6 approval), against a stand-in proxy (the real RPCs are covered by
the integration and end-to-end tests)."""
import contextlib
import io
import json

from carnet_campaigns import operator
from carnet_common.errors import NotFound


class Campaigns:
    def __init__(self):
        self.calls = []

    def list_pending_domains(self):
        self.calls.append(("list",))
        return [{"domain": "acme.test", "org_id": "o1", "verified": True, "approval": "pending", "created_at": "t",
                 "refusal_reason": None, "records": "not shown"}]

    def approve_domain(self, domain):
        self.calls.append(("approve", domain))
        if domain == "unknown.test":
            raise NotFound("sending_domain_not_found")
        return {"domain": domain, "org_id": "o1", "verified": True, "approval": "approved"}

    def refuse_domain(self, domain, reason):
        self.calls.append(("refuse", domain, reason))
        return {"domain": domain, "org_id": "o1", "approval": "refused", "refusal_reason": reason}


def run(argv):
    campaigns, out = Campaigns(), io.StringIO()

    @contextlib.contextmanager
    def factory():
        yield type("Cluster", (), {"campaigns": campaigns})()

    return operator.main(argv, proxy_factory=factory, out=out), campaigns.calls, out.getvalue()


def test_commands_call_the_rpcs_and_print_json_lines(capsys):
    code, calls, out = run(["list-domains", "--pending"])
    assert code == 0 and calls == [("list",)]
    assert json.loads(out) == {"domain": "acme.test", "org_id": "o1", "verified": True, "approval": "pending",
                               "created_at": "t", "refusal_reason": None}
    code, calls, out = run(["approve-domain", "acme.test"])
    assert code == 0 and calls == [("approve", "acme.test")] and json.loads(out)["approval"] == "approved"
    code, calls, out = run(["refuse-domain", "acme.test", "--reason", "Pas à vous"])
    assert code == 0 and calls == [("refuse", "acme.test", "Pas à vous")]
    code, calls, out = run(["approve-domain", "unknown.test"])
    assert code == 1 and out == "" and "sending_domain_not_found" in capsys.readouterr().err
