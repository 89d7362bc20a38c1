"""Plans are not chosen by clients (S-7, issue 10 §2): a sign-up gets the default plan or one the operator offers,
an administrator cannot change the plan, the operator's seam (``set_plan``, ``carnet_identity.operator``) does."""
import json

import pytest
from identity_harness import OFFERED, PASSWORD, unique

from carnet_common import redis_keys
from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from carnet_identity import operator, plans


def sign_up(svc, **extra):
    return svc.create_organization({"name": "Plans", "admin": {
        "username": unique("plans"), "password": PASSWORD, "full_name": "X", "email": "x@example.com"}, **extra})


def test_a_sign_up_gets_the_default_plan_or_one_the_operator_offers(svc):
    assert sign_up(svc)["organization"]["plan"] == plans.DEFAULT_PLAN
    assert sign_up(svc, plan=plans.DEFAULT_PLAN)["organization"]["plan"] == plans.DEFAULT_PLAN
    assert sign_up(svc, plan=OFFERED)["organization"]["plan"] == OFFERED

    with pytest.raises(Forbidden) as caught:
        sign_up(svc, plan="integral")
    assert caught.value.code == "plan_not_offered"
    assert caught.value.errors == {"plan": ["plan_not_offered"]}


@pytest.mark.parametrize("plan", ["integral", "solo"])
def test_an_administrator_cannot_change_the_plan(svc, org, plan):
    with pytest.raises(Forbidden) as caught:
        svc.update_organization(org.admin, {"plan": plan, "city": "Laval"})

    assert caught.value.errors == {"plan": ["plan_change_not_allowed"]}
    organization = svc.get_organization(org.admin)
    assert organization["plan"] == org.org["plan"] and organization["city"] is None
    # The plan they already have may be sent back with the rest of the profile.
    assert svc.update_organization(org.admin, {"plan": org.org["plan"], "city": "Laval"})["city"] == "Laval"


def test_the_operator_moves_an_organization_to_another_plan(svc, org, identity):
    before = int(identity.redis.get(redis_keys.authz_generation_key(org.id)) or 0)

    moved = svc.set_plan(org.id, "growth")

    assert moved["plan"] == "growth" and moved["limits"]["seats"] == 25
    assert svc.get_organization(org.admin)["plan"] == "growth"
    assert int(identity.redis.get(redis_keys.authz_generation_key(org.id))) > before  # limits ride in principals


def test_the_operator_cannot_move_to_a_plan_too_small_or_unknown(svc, make_org):
    org = make_org(plan="collaborator")
    org.add_user()

    with pytest.raises(Conflict) as caught:
        svc.set_plan(org.id, "solo")
    assert caught.value.code == "plan_too_small"
    with pytest.raises(InvalidInput) as caught:
        svc.set_plan(org.id, "platinum")
    assert caught.value.errors == {"plan": ["unknown_plan"]}
    with pytest.raises(NotFound):
        svc.set_plan("00000000-0000-0000-0000-000000000000", "team")
    assert svc.get_organization(org.admin)["plan"] == "collaborator"


def test_the_operators_command_goes_through_the_service(org, identity, capsys):
    assert operator.main(["set-plan", org.id, "professional"], proxy_factory=identity.proxy) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["id"] == org.id and printed["plan"] == "professional" and printed["limits"]["seats"] == 100

    assert operator.main(["set-plan", org.id, "platinum"], proxy_factory=identity.proxy) == 1
    assert "unknown_plan" in capsys.readouterr().err
