"""Automations (AU-1) through the gateway: definition, runs on demand as a job (N-4) and on every contact change,
idempotent, with their creator's visibility and authority of now (carnet_contacts/automations/usecases.py).

Every authorization rule is tried by breaking it: no automations permission, another user's automation, another
organization's, another user's private list, an ungranted list, a criterion on a hidden field, contacts the creator
does not represent (S-4), and an authority narrowed or a list revoked after the automation was saved."""
import json

from conftest import assert_problem, eventually, finished_job, ok, sign_up
from support.orgs import add_member

# The example of AU-1: every contact of the source list.
EVERY_CONTACT = {"op": "or", "items": [{"field": "first_name", "cmp": "empty"},
                                       {"field": "first_name", "cmp": "not_empty"}]}
EVERYTHING = {"read": True, "write": True, "delete": False, "export": False}
AUTOMATOR = {"contacts": EVERYTHING, "accounts": EVERYTHING, "automations": EVERYTHING}


def _in_list(client, list_id):
    """The ids of the contacts ``client`` sees in ``list_id``."""
    criteria = json.dumps({"field": "list", "cmp": "eq", "value": list_id})
    return {item["id"] for item in ok(client.get("/contacts", params={"criteria": criteria,
                                                                      "per_page": 100}))["items"]}


def _contact(client, list_id, **fields):
    return ok(client.post("/contacts", json={"list_ids": [list_id], **fields}), 201)


def _automation(client, source, target, criteria=None, **fields):
    return ok(client.post("/automations", json={"name": "Copie", "source_list_id": source,
                                                 "target_list_id": target, "criteria": criteria or EVERY_CONTACT,
                                                 **fields}), 201)


def _run(client, automation):
    """Run ``automation`` now; its job once finished and the automation after it."""
    started = client.post(f"/automations/{automation['id']}/runs")
    assert started.status_code == 202, started.text
    assert started.headers["Location"] == started.json()["status_url"]
    job = finished_job(client, started.json()["job_id"])
    return job, ok(client.get(f"/automations/{automation['id']}"))


def test_a_run_copies_the_matching_contacts_of_the_source_list_once(org):
    """AU-1's example criteria copy every contact of the source list, none of another list; a second run adds
    nothing; each copy is a membership change in the contact's history (C-17), as a bulk copy writes it."""
    admin = org["admin"]
    target = ok(admin.post("/lists", json={"name": "Cible"}), 201)["id"]
    copied = {_contact(admin, org["shared"], first_name="Ana")["id"],
              _contact(admin, org["shared"], last_name="Sans")["id"]}
    outside = _contact(admin, org["closed"], first_name="Ailleurs")["id"]
    automation = _automation(admin, org["shared"], target)
    assert automation["last_run"] is None and automation["on_change"] is False
    assert automation["criteria"] == EVERY_CONTACT

    job, after = _run(admin, automation)
    assert job["status"] == "done" and job["progress"] == 100 and job["kind"] == "automation_run"
    assert after["last_run"] == {**after["last_run"], "trigger": "manual", "status": "done", "matched": 2,
                                 "added": 2, "job_id": job["id"]}
    assert _in_list(admin, target) == copied and outside not in _in_list(admin, target)
    history = ok(admin.get(f"/contacts/{sorted(copied)[0]}/history"))
    assert any(entry["field"] == "list_ids" and target in entry["new"] for entry in history)

    job, again = _run(admin, automation)
    assert job["status"] == "done"
    assert (again["last_run"]["matched"], again["last_run"]["added"]) == (2, 0)
    assert _in_list(admin, target) == copied
    assert [a["id"] for a in ok(admin.get("/automations"))] == [automation["id"]]


def test_on_change_copies_a_contact_when_it_matches_and_never_otherwise(org):
    """A change of a contact of the source list is handled (``changes_handled`` counts it: the proof) before the
    test asserts that a non-matching contact was not copied; the same contact copied once it matches."""
    admin = org["admin"]
    target = ok(admin.post("/lists", json={"name": "VIP"}), 201)["id"]
    automation = _automation(admin, org["shared"], target, {"field": "title", "cmp": "eq", "value": "VIP"},
                             on_change=True)
    contact = _contact(admin, org["shared"], first_name="Léa", title="Normal")
    handled = eventually(lambda: ok(admin.get(f"/automations/{automation['id']}")),
                         lambda a: a["changes_handled"] >= 1, what="the contact's creation handled")
    assert handled["last_run"] is None
    assert contact["id"] not in _in_list(admin, target)

    ok(admin.patch(f"/contacts/{contact['id']}", json={"title": "VIP"}))
    eventually(lambda: _in_list(admin, target), lambda ids: contact["id"] in ids, what="the copy on change")
    run = ok(admin.get(f"/automations/{automation['id']}"))["last_run"]
    assert (run["trigger"], run["status"], run["contact_id"], run["added"]) == ("change", "done", contact["id"], 1)
    # a contact of another list never concerns it
    before = ok(admin.get(f"/automations/{automation['id']}"))["changes_handled"]
    ok(admin.post("/contacts", json={"list_ids": [org["closed"]], "title": "VIP", "first_name": "Autre"}), 201)
    ok(admin.patch(f"/contacts/{contact['id']}", json={"first_name": "Léa-Marie"}))
    eventually(lambda: ok(admin.get(f"/automations/{automation['id']}")),
               lambda a: a["changes_handled"] > before, what="the second change handled")
    assert _in_list(admin, target) == {contact["id"]}


def test_who_may_define_read_change_and_run_an_automation(org, base_url):
    """The automations permission (S-3); the lists of the caller's access only (L-1, L-3: 422 on the field for
    another user's private list, an ungranted list, another organization's); the criteria on readable fields only
    (403); another user's or organization's automation is a 404 for every operation."""
    admin = org["admin"]
    plain = add_member(org)["client"]   # the default role: contacts, no automations
    assert_problem(plain.get("/automations"), 403)
    assert_problem(plain.post("/automations", json={}), 403)
    member = add_member(org, modules=AUTOMATOR, lists=[org["shared"]])
    client = member["client"]
    mine = ok(client.post("/lists", json={"name": "À moi"}), 201)["id"]
    private = ok(admin.post("/lists", json={"name": "Privée", "private": True}), 201)["id"]
    other, _ = sign_up(base_url)
    foreign = ok(other.post("/lists", json={"name": "Ailleurs"}), 201)["id"]
    for source in (private, org["closed"], foreign, "nope"):
        body = {"name": "x", "source_list_id": source, "target_list_id": mine, "criteria": EVERY_CONTACT}
        assert_problem(client.post("/automations", json=body), 422, code=None, fields=["source_list_id"])
        body = {"name": "x", "source_list_id": mine, "target_list_id": source, "criteria": EVERY_CONTACT}
        assert_problem(client.post("/automations", json=body), 422, fields=["target_list_id"])

    hidden = add_member(org, modules=AUTOMATOR)
    ok(admin.put(f"/roles/{hidden['role']['id']}/permissions",
                 json={"modules": AUTOMATOR, "fields": {"contacts.title": {"read": False, "write": False}}}))
    assert_problem(hidden["client"].post("/automations", json={
        "name": "x", "source_list_id": org["shared"], "target_list_id": ok(hidden["client"].post(
            "/lists", json={"name": "t"}), 201)["id"], "criteria": {"field": "title", "cmp": "eq", "value": "x"}}),
        403, code="field_not_readable")

    automation = _automation(client, org["shared"], mine)
    path = f"/automations/{automation['id']}"
    for stranger in (admin, other, add_member(org, modules=AUTOMATOR)["client"]):
        assert_problem(stranger.get(path), 404)
        assert_problem(stranger.patch(path, json={"name": "volée"}), 404)
        assert_problem(stranger.post(f"{path}/runs"), 404)
        assert_problem(stranger.delete(path), 404)
        assert automation["id"] not in {a["id"] for a in ok(stranger.get("/automations"))}
    assert ok(client.get(path))["name"] == "Copie"


def test_a_run_never_copies_a_contact_its_creator_cannot_see(org):
    """A member who represents one contact of the shared list (S-4: no "all contacts"): their automation copies that
    one, never the admin's contact of the same list."""
    admin = org["admin"]
    member = add_member(org, modules=AUTOMATOR)
    client = member["client"]
    target = ok(client.post("/lists", json={"name": "Mes copies"}), 201)["id"]
    theirs = _contact(admin, org["shared"], first_name="Sien", rep1_id=member["user"]["id"])["id"]
    not_theirs = _contact(admin, org["shared"], first_name="Autre")["id"]
    _, after = _run(client, _automation(client, org["shared"], target))
    assert (after["last_run"]["matched"], after["last_run"]["added"]) == (1, 1)
    assert target in ok(admin.get(f"/contacts/{theirs}"))["list_ids"]
    assert target not in ok(admin.get(f"/contacts/{not_theirs}"))["list_ids"]


def test_a_narrowed_authority_or_a_revoked_list_refuses_the_run(org):
    """Checked when it runs, on demand and on change: the creator lost the automations permission (the job fails,
    the run shows why, in French too); the creator lost access to the source list (the run is refused)."""
    admin = org["admin"]
    member = add_member(org, modules=AUTOMATOR, lists=[org["shared"]])
    client, role_id = member["client"], member["role"]["id"]
    ok(admin.put(f"/lists/{org['closed']}/grants", json={"user_ids": [member["user"]["id"]]}))
    target = ok(client.post("/lists", json={"name": "Copies"}), 201)["id"]
    on_change = _automation(client, org["shared"], target, on_change=True)

    narrowed = {**AUTOMATOR, "automations": {"read": True, "write": False, "delete": False, "export": False}}
    ok(admin.put(f"/roles/{role_id}/permissions", json={"modules": narrowed, "fields": {}}))
    contact = _contact(admin, org["shared"], first_name="Tôt", rep1_id=member["user"]["id"])["id"]
    client.language = "fr"
    refused = eventually(lambda: ok(client.get(f"/automations/{on_change['id']}")),
                         lambda a: a["changes_handled"] >= 1, what="the contact's creation handled")
    assert refused["last_run"]["status"] == "failed" and "permissions" in refused["last_run"]["error"]
    assert target not in ok(admin.get(f"/contacts/{contact}"))["list_ids"]

    ok(admin.put(f"/roles/{role_id}/permissions", json={"modules": AUTOMATOR, "fields": {}}))
    revoked = _automation(client, org["closed"], target)
    ok(admin.put(f"/lists/{org['closed']}/grants", json={"user_ids": []}))
    _contact(admin, org["closed"], first_name="Fermé", rep1_id=member["user"]["id"])
    job, after = _run(client, revoked)
    assert after["last_run"]["status"] == "failed" and "accès" in after["last_run"]["error"]
    assert _in_list(admin, target) == set()

    ok(admin.put(f"/roles/{role_id}/permissions", json={"modules": narrowed, "fields": {}}))
    assert_problem(client.post(f"/automations/{revoked['id']}/runs"), 403)


def test_bad_automation_input_is_422_per_field_and_changes_nothing(org):
    admin = org["admin"]
    target = ok(admin.post("/lists", json={"name": "Cible"}), 201)["id"]
    good = {"name": "Copie", "source_list_id": org["shared"], "target_list_id": target, "criteria": EVERY_CONTACT}
    for field, value in (("name", ""), ("name", "x" * 101), ("on_change", "yes"), ("criteria", "tout"),
                         ("source_list_id", 12), ("colour", "red")):
        assert_problem(admin.post("/automations", json={**good, field: value}), 422, fields=[field])
    assert_problem(admin.post("/automations", json={**good, "target_list_id": org["shared"]}), 422,
                   fields=["target_list_id"])
    body = assert_problem(admin.post("/automations", json={**good, "criteria": {"field": "nope", "cmp": "eq"}}), 422)
    assert any(key.startswith("criteria") for key in body["errors"])
    assert ok(admin.get("/automations")) == []
    automation = _automation(admin, org["shared"], target)
    assert_problem(admin.patch(f"/automations/{automation['id']}", json={"target_list_id": org["shared"]}), 422,
                   fields=["target_list_id"])
    assert ok(admin.patch(f"/automations/{automation['id']}", json={"name": "Renommée"}))["version"] == 2
    assert admin.delete(f"/automations/{automation['id']}").status_code == 204
    assert_problem(admin.get(f"/automations/{automation['id']}"), 404)
