"""A rejected request changes nothing that is stored (N-1): rows, outbox, audit, Redis."""
import pytest
import sqlalchemy as sa
from identity_harness import PASSWORD, actor

from carnet_common.errors import CarnetError
from carnet_testing import eventually


def org_snapshot(identity, org_id):
    with identity.engine.connect() as conn:
        def rows(query):
            return [dict(r) for r in conn.execute(sa.text(query), {"org": org_id}).mappings()]
        return {
            "organizations": rows("SELECT * FROM identity.organizations WHERE id = :org"),
            "users": rows("SELECT * FROM identity.users WHERE org_id = :org ORDER BY id"),
            "roles": rows("SELECT * FROM identity.roles WHERE org_id = :org ORDER BY id"),
            "outbox": rows("SELECT id, event_type, envelope, headers, published_at FROM identity.outbox "
                           "WHERE envelope->'data'->>'org_id' = :org ORDER BY id"),
            "audit": rows("SELECT * FROM identity.audit_log WHERE org_id = :org ORDER BY event_id"),
            "redis": sorted(f"{key}={identity.redis.dump(key)!r}" for key in identity.redis.scan_iter(
                match=identity.redis_prefix + "*", count=1000)),
        }


def settled(identity, org_id):
    """Every event of the org published and journaled: nothing in flight that a snapshot could catch."""
    snapshot = org_snapshot(identity, org_id)
    published = all(row["published_at"] for row in snapshot["outbox"])
    journaled = {str(row["id"]) for row in snapshot["outbox"]} == {row["event_id"] for row in snapshot["audit"]}
    return snapshot if published and journaled else None


def test_rejected_requests_leave_every_stored_thing_as_it_was(svc, org, make_org, identity):
    role = svc.create_role(org.admin, {"name": "Sales"})
    top = org.add_user(role_id=role["id"])
    below = org.add_user(manager_id=top["id"])
    svc.login(top["username"], PASSWORD)
    other_org = make_org()
    member = actor(below)
    rejected = [
        lambda: svc.create_user(member, {"username": "x.new", "password": PASSWORD, "full_name": "X",
                                         "email": "x@example.com"}),
        lambda: org.add_user(username=top["username"].upper()),
        lambda: org.add_user(username=other_org.admin_user["username"]),
        lambda: org.add_user(password="short", email="nope"),
        lambda: org.add_user(role_id="no-such-role"),
        lambda: org.add_user(active=1.5),
        lambda: svc.update_user(org.admin, top["id"], {"full_name": "Changed", "manager_id": below["id"]}),
        lambda: svc.update_user(org.admin, top["id"], {"full_name": "Changed", "username":
                                                       other_org.admin_user["username"], "current_password": PASSWORD}),
        lambda: svc.update_user(org.admin, org.admin_user["id"], {"full_name": "Changed", "active": False}),
        lambda: svc.update_user(member, top["id"], {"full_name": "Changed"}),
        lambda: svc.update_user(org.admin, top["id"], {"nickname": "Changed"}),
        lambda: svc.delete_user(org.admin, org.admin_user["id"]),
        lambda: svc.delete_user(other_org.admin, top["id"]),
        lambda: svc.create_role(org.admin, {"name": "sales"}),
        lambda: svc.update_role(org.admin, role["id"], {"name": ""}),
        lambda: svc.delete_role(org.admin, role["id"]),
        lambda: svc.set_permissions(org.admin, role["id"], {"modules": {"contacts": {"read": True}},
                                                            "fields": {"BAD": {"read": True}}}),
        lambda: svc.set_permissions(member, role["id"], {"modules": {"contacts": {"delete": True}}}),
        lambda: svc.update_organization(org.admin, {"name": "Renamed", "timezone": "Nowhere/Else"}),
        lambda: svc.update_organization(org.admin, {"name": "Renamed", "plan": "solo"}),
        lambda: svc.update_organization(member, {"name": "Renamed"}),
        lambda: svc.login(top["username"], "wrong-password-here"),
        lambda: svc.create_organization({"name": "Dup", "admin": {
            "username": top["username"], "password": PASSWORD, "full_name": "X", "email": "x@example.com"}}),
    ]
    before = eventually(lambda: settled(identity, org.id), what="the organization's events settled")

    refused = []
    for call in rejected:
        with pytest.raises(CarnetError) as caught:
            call()
        refused.append(type(caught.value).__name__)
    # A wrongly written event would be an outbox row committed with the refused request: waiting until every event
    # of the organization is published and journaled again proves that nothing of the kind is still in flight.
    after = eventually(lambda: settled(identity, org.id), what="the organization's events settled")

    assert set(refused) == {"Forbidden", "Conflict", "InvalidInput", "NotFound", "Unauthorized"}
    assert after == before
