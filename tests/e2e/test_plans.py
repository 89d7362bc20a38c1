"""Plans are not chosen by clients (S-7, issue 10 §2): an administrator cannot change the plan, a sign-up gets the
default plan or one the operator offers (SIGNUP_PLANS=growth on this suite's system)."""
import requests
from conftest import PASSWORD, assert_problem, attempt_login, unique

API = "/api/v1"


def test_an_administrator_cannot_move_the_organization_to_another_plan(org):
    admin = org["admin"]
    before = admin.get(API + "/organization").json()
    assert before["plan"] == "team"

    for plan in ("integral", "professional", "solo"):
        problem = assert_problem(admin.patch(API + "/organization", json={"plan": plan, "city": "Laval"}), 403,
                                 code="plan_change_not_allowed", fields=["plan"])
    french = admin.patch(API + "/organization", json={"plan": "integral"}, headers={"Accept-Language": "fr"})

    assert assert_problem(french, 403)["errors"]["plan"] == [
        "L'abonnement est changé par l'exploitant de Carnet, pas par l'API."]
    assert problem["errors"]["plan"] == ["The plan is changed by Carnet's operator, not through the API."]
    after = admin.get(API + "/organization").json()
    assert (after["plan"], after["limits"], after["city"]) == (before["plan"], before["limits"], None)
    # The plan it has may come back with the rest of the profile.
    same = admin.patch(API + "/organization", json={"plan": before["plan"], "city": "Laval"})
    assert same.status_code == 200 and same.json()["city"] == "Laval"


def test_a_sign_up_cannot_choose_a_plan_the_operator_does_not_offer(base_url):
    username = unique("planner")
    body = {"name": "Planificateurs", "plan": "integral", "admin": {
        "username": username, "password": PASSWORD, "full_name": "X", "email": f"{username}@example.com"}}

    response = requests.post(base_url + API + "/organizations", json=body, timeout=30)

    assert_problem(response, 403, code="plan_not_offered", fields=["plan"])
    assert_problem(attempt_login(base_url, username), 401)
    offered = requests.post(base_url + API + "/organizations", json={**body, "plan": "growth"}, timeout=30)
    assert offered.status_code == 201 and offered.json()["organization"]["plan"] == "growth"
