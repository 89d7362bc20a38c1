"""Task invitations (T-3) cannot mail arbitrary addresses in bulk nor reveal an address (issue 10 §2, §1), through
the gateway, with a real SMTP server (``carnet_testing.mail``) as the relay of this module's own system, whose
quotas are small: two addresses per task, three invitations per user and four per organization in 24 hours.

- Quotas: one more is a 429 problem with ``Retry-After`` (when the oldest counted invitation leaves the day), in
  French or English; nothing is stored or sent for it.
- One send per address and task version: asking again for an unchanged task sends nothing more and says so
  (``duplicate``); a change of the task sends the new version.
- The plan gate of the e-mails module (S-7): an organization on a plan without e-mails gets a 403 naming it.
- S-3: a role that may not read ``contacts.email`` invites the contact without being told the address.
"""
import pytest
from conftest import PASSWORD, Client, assert_problem, eventually, login, ok, sign_up, start_stack, unique
from icalendar import Calendar

from carnet_testing.mail import smtp_relay

QUOTAS = {"INVITATION_ADDRESSES_PER_TASK": "2", "INVITATION_PER_USER_PER_DAY": "3",
          "INVITATION_PER_ORG_PER_DAY": "4"}
DUE = "2030-07-01T09:30:00-04:00"
DAY = 24 * 3600


@pytest.fixture(scope="module")
def relay():
    with smtp_relay() as running:
        yield running


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, relay):
    """This module's own system (the org fixtures use it): invitations go to ``relay``; a sign-up may choose the
    solo plan, which has no e-mails module."""
    with start_stack(tmp_path_factory.mktemp("logs") / "stack.log", SMTP_HOST="127.0.0.1", SMTP_PORT=str(relay.port),
                     SMTP_FROM="crm@carnet.test", INVITATION_RETRY_BASE_MS="200", SIGNUP_PLANS="solo",
                     **QUOTAS) as running:
        yield running.url


def _address():
    return f"{unique('invite')}@client.test"


def _contact(org, email=None):
    return ok(org["admin"].post("/contacts", json={"first_name": "Luc", "last_name": unique("Emond"),
                                                   "email": email or _address(), "list_ids": [org["shared"]]}), 201)


def _task(client, contact):
    return ok(client.post("/tasks", json={"type": "meeting", "title": "Visite", "contact_id": contact["id"],
                                          "due_at": DUE}), 201)


def _invite(client, task, headers=None, **body):
    return client.post(f"/tasks/{task['id']}/invite", json={"to": "contact", **body}, headers=headers)


def _sent(client, task, invitation_id):
    """The invitation once the job sent it (``GET /tasks/{id}/invitations``)."""
    return eventually(lambda: next(i for i in ok(client.get(f"/tasks/{task['id']}/invitations"))
                                   if i["id"] == invitation_id),
                      lambda found: found["status"] == "sent", what=f"invitation {invitation_id} sent")


def _throttled(response, code, limit):
    body = assert_problem(response, 429, code=code)
    retry_after = int(response.headers["Retry-After"])
    assert DAY - 600 < retry_after <= DAY and str(retry_after) in body["detail"] and str(limit) in body["detail"]
    return body


def _sequence(message):
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return int(Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]["SEQUENCE"])


def test_a_task_goes_to_at_most_two_addresses_a_day(org, relay):
    """Issue 10 §2: the task's contact changed twice: the third address is refused, stored nowhere, mailed nothing;
    an address the task already went to does not count again."""
    admin = org["admin"]
    first, second, third = (_contact(org) for _ in range(3))
    task = _task(admin, first)
    ok(_invite(admin, task), 202)
    ok(admin.patch(f"/tasks/{task['id']}", json={"contact_id": second["id"]}))
    ok(_invite(admin, task), 202)
    ok(admin.patch(f"/tasks/{task['id']}", json={"contact_id": third["id"]}))

    english = _throttled(_invite(admin, task), "task_invitations_per_task", 2)
    french = _throttled(_invite(admin, task, idempotency_key="autre", headers={"Accept-Language": "fr"}),
                        "task_invitations_per_task", 2)
    assert english["detail"].startswith("This task was already sent to 2 addresses in the last 24 hours")
    assert french["detail"].startswith("Cette tâche a déjà été envoyée à 2 adresses ces dernières 24 heures")
    assert {i["email"] for i in ok(admin.get(f"/tasks/{task['id']}/invitations"))} == {first["email"],
                                                                                        second["email"]}
    ok(admin.patch(f"/tasks/{task['id']}", json={"contact_id": first["id"]}))
    again = ok(_invite(admin, task), 202)   # the first address again, for the new version
    assert (again["email"], again["duplicate"]) == (first["email"], False)
    eventually(lambda: relay.to(first["email"]), lambda got: len(got) == 2, what="both versions at the first address")
    assert len(relay.to(second["email"])) == 1 and relay.to(third["email"]) == []


def test_a_user_sends_at_most_three_invitations_a_day_and_an_organization_four(org, relay):
    admin = org["admin"]
    tasks = [_task(admin, _contact(org)) for _ in range(4)]
    for task in tasks[:3]:
        ok(_invite(admin, task), 202)

    refused = tasks[3]
    body = _throttled(_invite(admin, refused), "task_invitations_per_user", 3)
    assert body["detail"].startswith("You already sent 3 invitations in the last 24 hours")
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    rights = {"read": True, "write": True, "delete": False, "export": False}
    ok(admin.put(f"/roles/{role['id']}/permissions", json={"modules": {"contacts": rights, "tasks": rights},
                                                           "fields": {}}))
    member = _user(org, role, language="fr")
    member_task = _task(member, _contact(org))
    ok(_invite(member, member_task), 202)
    body = _throttled(_invite(member, refused), "task_invitations_per_org", 4)
    assert body["detail"].startswith("Votre organisation a déjà envoyé 4 invitations ces dernières 24 heures")
    assert ok(admin.get(f"/tasks/{refused['id']}/invitations")) == []
    other, _ = sign_up(org["base_url"])
    other_shared = ok(other.post("/lists", json={"name": "Partagée", "access_all_users": True}), 201)["id"]
    ok(_invite(other, _task(other, _contact({"admin": other, "shared": other_shared}))), 202)   # not counted


def test_an_address_gets_one_invitation_per_version_of_the_task(org, relay):
    """Issue 10 §2: asking again for the unchanged task, with or without another idempotency key, sends nothing
    more and answers the earlier invitation as a duplicate; a change of the task sends its new version once."""
    admin = org["admin"]
    contact = _contact(org)
    task = _task(admin, contact)
    first = ok(_invite(admin, task), 202)
    _sent(admin, task, first["id"])
    for body in ({}, {"idempotency_key": "encore"}):
        repeated = ok(_invite(admin, task, **body), 202)
        assert (repeated["id"], repeated["status"]) == (first["id"], "sent")
        assert (first["duplicate"], repeated["duplicate"]) == (False, True)
    assert len(ok(admin.get(f"/tasks/{task['id']}/invitations"))) == 1

    ok(admin.patch(f"/tasks/{task['id']}", json={"title": "Visite déplacée"}))
    second = ok(_invite(admin, task), 202)
    assert second["duplicate"] is False and second["id"] != first["id"]
    assert ok(_invite(admin, task), 202)["id"] == second["id"]
    _sent(admin, task, second["id"])
    messages = relay.to(contact["email"])
    assert [_sequence(m) for m in messages] == [1, 2]
    assert len(ok(admin.get(f"/tasks/{task['id']}/invitations"))) == 2


def test_a_plan_without_the_emails_module_cannot_send_invitations(base_url, relay):
    """S-7: the solo plan has no e-mails module (GET /me says so): a 403 naming the plan, nothing stored."""
    admin, created = sign_up(base_url, plan="solo")
    assert created["organization"]["plan"] == "solo"
    assert ok(admin.get("/me"))["organization"]["limits"]["emails"] is False
    shared = ok(admin.post("/lists", json={"name": "Partagée", "access_all_users": True}), 201)["id"]
    contact = _contact({"admin": admin, "shared": shared})
    task = _task(admin, contact)

    body = assert_problem(_invite(admin, task), 403, code="task_invitation_plan")
    assert body["detail"].startswith("Invitations are e-mails: the solo plan does not include the e-mails module")
    to_self = admin.post(f"/tasks/{task['id']}/invite", json={"to": "assignee"}, headers={"Accept-Language": "fr"})
    french = assert_problem(to_self, 403, code="task_invitation_plan")
    assert "l'abonnement solo n'inclut pas le module Courriels" in french["detail"]
    assert ok(admin.get(f"/tasks/{task['id']}/invitations")) == []


def _user(org, role, *, language=None, **flags):
    username = unique("user")
    ok(org["admin"].post("/users", json={"username": username, "password": PASSWORD, "full_name": "Membre",
                                         "email": f"{username}@example.com", "role_id": role["id"],
                                         "all_contacts": True, **flags}), 201)
    client = Client(org["base_url"], token=login(org["base_url"], username), language=language)
    ok(client.put("/me/selected-lists", json={"list_ids": [org["shared"]]}))
    return client


def test_an_invitation_does_not_reveal_a_contact_email_the_role_may_not_read(org, relay):
    """Issue 10 §1, S-3: with ``contacts.email`` unreadable, the member invites the contact: it is sent, and
    neither the answer nor the task's invitations tell the member the address; the administrator sees it."""
    admin = org["admin"]
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    rights = {"read": True, "write": True, "delete": False, "export": False}
    ok(admin.put(f"/roles/{role['id']}/permissions", json={
        "modules": {"contacts": rights, "tasks": rights}, "fields": {"contacts.email": {"read": False,
                                                                                        "write": False}}}))
    member = _user(org, role)
    contact = _contact(org)
    assert "email" not in ok(member.get(f"/contacts/{contact['id']}"))
    task = _task(member, contact)

    response = _invite(member, task)

    assert response.status_code == 202 and contact["email"] not in response.text
    invitation = response.json()
    assert (invitation["email"], invitation["email_hidden"], invitation["to"]) == (None, True, "contact")
    listed = member.get(f"/tasks/{task['id']}/invitations")
    assert contact["email"] not in ok(listed) and contact["email"] not in listed.text
    # delivered: every invitation due before it was sent too (the job takes them oldest first)
    _sent(member, task, invitation["id"])
    assert relay.to(contact["email"])
    shown = ok(admin.get(f"/tasks/{task['id']}/invitations"))
    assert [(i["email"], i["email_hidden"]) for i in shown] == [(contact["email"], False)]

    # the relay's refusal quotes the address: the member reads the failure, not the address
    ok(admin.patch(f"/tasks/{task['id']}", json={"title": "Visite déplacée"}))
    relay.rcpt_answers.append(f"550 5.1.1 <{contact['email'].upper()}>: Recipient address rejected")
    refused = ok(_invite(member, task), 202)
    failed = eventually(lambda: next(i for i in ok(member.get(f"/tasks/{task['id']}/invitations"))
                                     if i["id"] == refused["id"]),
                        lambda found: found["status"] == "failed", what="the refused invitation failed")
    assert "Recipient address rejected" in failed["last_error"]
    listed = member.get(f"/tasks/{task['id']}/invitations")
    assert contact["email"].lower() not in listed.text.lower()
    admin_view = next(i for i in ok(admin.get(f"/tasks/{task['id']}/invitations")) if i["id"] == refused["id"])
    assert contact["email"].upper() in admin_view["last_error"]
