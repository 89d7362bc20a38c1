"""Organizations with lists, and members selecting them, for the suites that drive contacts and what hangs
off them (paths below /api/v1)."""
import pytest

from support.http import ApiClient, create_user, login, ok, sign_up, unique


@pytest.fixture
def org(base_url):
    """A fresh organization: its admin, a list shared with all users and an unshared one."""
    admin, created = sign_up(base_url, client_class=ApiClient)
    shared = ok(admin.post("/lists", json={"name": "Partagée", "access_all_users": True}), 201)
    closed = ok(admin.post("/lists", json={"name": "Fermée"}), 201)
    return {"admin": admin, "user": created["user"], "shared": shared["id"], "closed": closed["id"],
            "base_url": base_url}


def add_member(org, *, modules=None, flags=None, lists=None):
    """A non-admin user of ``org`` with a fresh role (the default permissions, or ``modules``), the shared list
    (or ``lists``) selected; ``flags`` such as ``{"all_contacts": True}`` set on the user."""
    admin = org["admin"]
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    if modules is not None:
        ok(admin.put(f"/roles/{role['id']}/permissions", json={"modules": modules, "fields": {}}))
    user = create_user(admin, full_name="Membre", role_id=role["id"], **(flags or {}))
    client = ApiClient(org["base_url"], token=login(org["base_url"], user["username"]))
    ok(client.put("/me/selected-lists", json={"list_ids": lists or [org["shared"]]}))
    return {"client": client, "user": user, "role": role}


@pytest.fixture
def member(org):
    """A non-admin user of ``org`` holding a fresh role (read/write contacts and accounts), its shared list
    selected."""
    return add_member(org)


def stage_id(client, probability=25):
    """The id of the caller's organization's stage of ``probability`` (O-3: one per probability)."""
    return next(s for s in ok(client.get("/stages")) if s["probability"] == probability)["id"]
