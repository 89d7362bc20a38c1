"""Issue 10 §5: a 204 carries no Content-Type; the security journal names a user holding a role, not the role, as
the subject of the user's events."""
from conftest import create_user, unique

from carnet_testing import eventually

API = "/api/v1"


def test_no_content_answers_carry_no_content_type(base_url, org):
    admin = org["admin"]
    role = admin.post(API + "/roles", json={"name": unique("spare")}).json()
    user = create_user(admin)

    answers = [admin.delete(f"{API}/roles/{role['id']}"), admin.delete(f"{API}/users/{user['id']}"),
               admin.post(API + "/auth/logout")]

    for response in answers:
        assert response.status_code == 204 and response.content == b""
        assert "Content-Type" not in response.headers, response.headers


def test_the_journal_names_the_user_not_their_role(org):
    admin = org["admin"]
    role = admin.post(API + "/roles", json={"name": unique("reps")}).json()
    user = create_user(admin, role_id=role["id"])
    assert admin.patch(f"{API}/users/{user['id']}", json={"full_name": "Renommé"}).status_code == 200

    def entries():
        items = admin.get(API + "/audit", params={"per_page": 100}).json()["items"]
        about = [i for i in items if i["event_type"] in ("user_created", "user_updated")
                 and i["details"].get("id") == user["id"]]
        return about if len(about) == 2 else None

    journaled = eventually(entries, what="the user's events in the journal")
    assert [entry["subject_id"] for entry in journaled] == [user["id"], user["id"]]
