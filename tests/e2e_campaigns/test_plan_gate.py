"""E-1: the e-mail module needs the team plan or above. An organization on the solo plan gets 403 ``plan_feature``
with the upgrade message, in French and in English, on every operation the OpenAPI document marks with
``x-plan-feature: emails`` (read from the document, so a route added later is covered), before its permissions or
its input are looked at; back on the team plan, the same caller is let through."""
import re

import requests
from conftest import assert_problem, ok, sign_up
from nameko.standalone.rpc import ClusterRpcProxy

from carnet_testing import rpc_config


def gated_operations(base_url):
    document = requests.get(base_url + "/api/openapi.json", timeout=30).json()
    return [(method.upper(), path) for path, item in document["paths"].items() for method, operation in item.items()
            if isinstance(operation, dict) and operation.get("x-plan-feature") == "emails"]


def concrete(path):
    """The document's path with every parameter given a value (the gate answers before the path is looked up)."""
    return re.sub(r"{\w+}", "x0", path)


def test_every_emails_operation_answers_plan_feature_below_team(stack, base_url):
    operations = gated_operations(base_url)
    paths = {path for _, path in operations}
    assert {"/api/v1/campaigns", "/api/v1/campaigns/{campaign_id}/send", "/api/v1/sent-emails",
            "/api/v1/contacts/{contact_id}/emails"} <= paths, paths
    admin, created = sign_up(base_url)
    with ClusterRpcProxy(rpc_config(stack.env), timeout=20) as proxy:
        proxy.identity.set_plan(created["organization"]["id"], "solo")
        for method, path in operations:
            url = concrete(path).removeprefix("/api/v1")
            kwargs = {} if method in ("GET", "DELETE") else {"json": {}}
            english = assert_problem(admin.send(method, "/api/v1" + url, headers={"Accept-Language": "en"},
                                                **kwargs), 403, code="plan_feature")
            assert "solo" in english["detail"] and "team plan" in english["detail"], (method, path, english)
            french = assert_problem(admin.send(method, "/api/v1" + url, headers={"Accept-Language": "fr"},
                                               **kwargs), 403, code="plan_feature")
            assert "forfait Équipe" in french["detail"], (method, path, french)
        proxy.identity.set_plan(created["organization"]["id"], "team")
    assert ok(admin.get("/campaigns"))["total"] == 0
