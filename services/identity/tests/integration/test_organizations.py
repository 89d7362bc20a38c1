"""Organizations and the tenant boundary (S-9, DOC-1, N-2)."""
import pytest
from identity_harness import OFFERED, PASSWORD, actor, unique

from carnet_common.errors import Conflict, InvalidInput, NotFound


def test_create_organization_makes_its_first_user_an_active_admin(svc):
    username = unique("first")

    created = svc.create_organization({"name": "Bureau Tremblay", "plan": OFFERED, "admin": {
        "username": username, "password": PASSWORD, "full_name": "Marie Tremblay", "email": "marie@example.com"}})

    org, user = created["organization"], created["user"]
    assert org["name"] == "Bureau Tremblay" and org["plan"] == OFFERED == "solo"
    assert org["sender_name"] == "Bureau Tremblay"
    assert user["org_id"] == org["id"] and user["username"] == username
    assert user["is_admin"] is True and user["active"] is True
    assert "password" not in user and "password_hash" not in user
    assert svc.get_user(actor(user), user["id"]) == user


def test_a_username_is_unique_across_organizations_whatever_its_case(svc, make_org):
    first, second = make_org(), make_org()
    taken = first.admin_user["username"]

    with pytest.raises(Conflict) as caught:
        svc.create_organization({"name": "Copycat", "admin": {
            "username": taken.upper(), "password": PASSWORD, "full_name": "X", "email": "x@example.com"}})
    assert caught.value.code == "username_taken"
    assert caught.value.errors == {"admin.username": ["username_taken"]}

    with pytest.raises(Conflict) as caught:
        second.add_user(username=taken)
    assert caught.value.errors == {"username": ["username_taken"]}

    other = second.add_user()
    with pytest.raises(Conflict):
        svc.update_user(second.admin, other["id"], {"username": taken, "current_password": PASSWORD})


def test_a_user_of_another_organization_is_invisible(svc, make_org):
    mine, theirs = make_org(), make_org()
    their_user = theirs.add_user()

    for call in (lambda: svc.get_user(mine.admin, their_user["id"]),
                 lambda: svc.update_user(mine.admin, their_user["id"], {"full_name": "Hijacked"}),
                 lambda: svc.delete_user(mine.admin, their_user["id"])):
        with pytest.raises(NotFound):
            call()

    listed = svc.list_users(mine.admin, {"per_page": 200})
    assert their_user["id"] not in {user["id"] for user in listed["items"]}
    assert svc.get_user(theirs.admin, their_user["id"])["full_name"] == their_user["full_name"]


def test_a_role_or_manager_of_another_organization_cannot_be_used(svc, make_org):
    mine, theirs = make_org(), make_org()
    their_role = svc.create_role(theirs.admin, {"name": "Theirs"})
    their_user = theirs.add_user()

    for call in (lambda: svc.get_permissions(mine.admin, their_role["id"]),
                 lambda: svc.set_permissions(mine.admin, their_role["id"], {}),
                 lambda: svc.update_role(mine.admin, their_role["id"], {"name": "Mine now"}),
                 lambda: svc.delete_role(mine.admin, their_role["id"])):
        with pytest.raises(NotFound):
            call()

    with pytest.raises(InvalidInput) as caught:
        mine.add_user(role_id=their_role["id"], manager_id=their_user["id"])
    assert caught.value.errors == {"role_id": ["unknown_role"], "manager_id": ["unknown_user"]}
    assert svc.get_permissions(theirs.admin, their_role["id"])["modules"]["contacts"]["read"] is True


def test_an_actor_cannot_claim_another_organization_through_its_own_org_id(svc, make_org):
    mine, theirs = make_org(), make_org()
    forged = {**mine.admin, "org_id": theirs.id}

    with pytest.raises(NotFound):
        svc.get_user(forged, mine.admin_user["id"])


def test_organization_profile_is_read_and_updated_by_its_admin(svc, org):
    updated = svc.update_organization(org.admin, {"city": "Québec", "sender_name": "Équipe Acme",
                                                  "timezone": "America/Montreal"})

    assert updated["city"] == "Québec" and updated["sender_name"] == "Équipe Acme"
    assert svc.get_organization(org.admin)["timezone"] == "America/Montreal"
    with pytest.raises(InvalidInput) as caught:
        svc.update_organization(org.admin, {"timezone": "Mars/Olympus"})
    assert caught.value.errors == {"timezone": ["unknown_timezone"]}


def test_bad_organization_input_is_reported_per_field(svc):
    with pytest.raises(InvalidInput) as caught:
        svc.create_organization({"name": "", "plan": "platinum", "admin": {
            "username": "a b", "password": "short", "full_name": "X", "email": "nope"}})

    assert set(caught.value.errors) == {"name", "plan", "admin.username", "admin.password", "admin.email"}


def test_the_public_profile_shows_what_a_recipient_may_see(svc, make_org):
    """E-7, S-8: the unsubscribe page's organization, asked without a user: its sender name defaults to its name."""
    plain, named = make_org(name="Boulangerie Roy"), make_org(name="Ébénisterie Côté")
    svc.update_organization(named.admin, {"sender_name": "Les nouvelles Côté", "legal_text": "123 rue Principale"})

    assert svc.get_public_profile(plain.id) == {
        "id": plain.id, "name": "Boulangerie Roy", "logo_url": None, "sender_name": "Boulangerie Roy",
        "legal_text": "", "language": plain.org["language"]}
    profile = svc.get_public_profile(named.id)
    assert (profile["sender_name"], profile["legal_text"]) == ("Les nouvelles Côté", "123 rue Principale")
    for unknown in ("00000000-0000-0000-0000-000000000000", "x" * 65, None):
        with pytest.raises(NotFound):
            svc.get_public_profile(unknown)
