"""A form's submissions through the admin API (F-3, F-4, F-5), after visitors' posts through the public side: the
list and its pages, the quarantine (release applies a submission as any accepted one, discard keeps it for audit;
409 for one not in quarantine, FR/EN), the statistics, a form with submissions kept (409 on delete); what a
submission shows is the contact fields the caller may read (S-3, custom ones too); another organization's ids and
a form's submission named under another form are 404s."""
import jsonschema
import pytest
import requests
from conftest import assert_problem, eventually, ok, sign_up
from support.forms import published_form, submitted
from support.http import ApiClient
from support.orgs import add_member

NO_ID = "00000000-0000-0000-0000-000000000000"
API = "/api/v1"
FORMS_READ = {"forms": {"read": True}}


@pytest.fixture
def posted(org, base_url):
    """A published form with a custom field, and three visitors' posts: one accepted, two caught by the honeypot."""
    admin = org["admin"]
    ok(admin.post("/custom-fields/contacts", json={"key": "secteur", "type": "text", "label_fr": "Secteur",
                                                   "label_en": "Industry"}), 201)
    fields = [{"name": "email", "required": True, "label": {"fr": "Courriel", "en": "Email"}},
              {"name": "first_name", "label": {"fr": "Prénom", "en": "First name"}},
              {"name": "phone", "label": {"fr": "Téléphone", "en": "Phone"}},
              {"name": "custom.secteur", "label": {"fr": "Secteur", "en": "Industry"}}]
    form = published_form(admin, org["shared"], fields=fields)
    key = form["key"]
    good = submitted(base_url, key, {"email": "lea@exemple.ca", "first_name": "Léa", "phone": "514-555-0101",
                                     "custom.secteur": "Bois"}, language="fr")
    bots = [submitted(base_url, key, {"email": f"bot{n}@exemple.ca", "first_name": "<script>x</script>",
                                      "_hp": "http://spam.example"}) for n in (1, 2)]
    assert all(answer["outcome"] == "accepted" for answer in [good, *bots])   # a bot learns nothing (F-4)
    return {"form": form, "accepted": good["submission_id"], "bots": [b["submission_id"] for b in bots]}


def test_submissions_listed_released_discarded_and_counted(org, posted):
    admin = org["admin"]
    form_id = posted["form"]["id"]
    page = ok(admin.get(f"/forms/{form_id}/submissions"))
    assert [item["id"] for item in page["items"]] == [*reversed(posted["bots"]), posted["accepted"]]  # newest first
    assert page["next_cursor"] is None
    accepted = page["items"][-1]
    assert (accepted["status"], accepted["channel"], accepted["reasons"]) == ("accepted", "embed", [])
    assert accepted["data"] == {"email": "lea@exemple.ca", "first_name": "Léa", "phone": "514-555-0101",
                                "custom.secteur": "Bois"}
    assert accepted["meta"]["language"] == "fr"
    quarantine = ok(admin.get(f"/forms/{form_id}/submissions", params={"status": "quarantined"}))["items"]
    assert {item["id"] for item in quarantine} == set(posted["bots"])
    assert all("honeypot" in [r["code"] for r in item["reasons"]] for item in quarantine)
    assert quarantine[0]["data"]["first_name"] == "<script>x</script>"   # text kept as sent, escaped where shown

    first = ok(admin.get(f"/forms/{form_id}/submissions", params={"limit": 2}))
    second = ok(admin.get(f"/forms/{form_id}/submissions", params={"limit": 2, "cursor": first["next_cursor"]}))
    assert [i["id"] for i in first["items"] + second["items"]] == [i["id"] for i in page["items"]]
    assert second["next_cursor"] is None
    for params, field in (({"status": "new"}, "status"), ({"limit": 0}, "limit"), ({"limit": 201}, "limit"),
                          ({"cursor": "nope"}, "cursor")):
        assert_problem(admin.get(f"/forms/{form_id}/submissions", params=params), 422, fields=(field,))
    bad_cursor = assert_problem(admin.get(f"/forms/{form_id}/submissions", params={"cursor": "nope"}), 422)
    assert bad_cursor["errors"] == {"cursor": ["Send back the next_cursor of the previous page, as it was."]}

    # F-4: release applies it as any accepted one; discard keeps it for audit; either once only (409)
    released = ok(admin.post(f"/forms/{form_id}/submissions/{posted['bots'][0]}/release"))
    assert released["status"] == "accepted" and released["data"]["email"] == "bot1@exemple.ca"
    discarded = ok(admin.post(f"/forms/{form_id}/submissions/{posted['bots'][1]}/discard"))
    assert discarded["status"] == "discarded" and discarded["data"]["email"] == "bot2@exemple.ca"
    assert ok(admin.get(f"/forms/{form_id}/submissions/{posted['bots'][1]}")) == discarded
    french = ApiClient(admin.base_url, token=admin.token, language="fr")
    for submission_id in (posted["accepted"], *posted["bots"]):
        for action in ("release", "discard"):
            problem = assert_problem(french.post(f"/forms/{form_id}/submissions/{submission_id}/{action}"), 409,
                                     code="submission_not_quarantined")
            assert problem["detail"] == "Seule une soumission en quarantaine peut être libérée ou rejetée."
    english = assert_problem(admin.post(f"/forms/{form_id}/submissions/{posted['accepted']}/discard"), 409)
    assert english["detail"] == "Only a submission in quarantine can be released or discarded."

    stats = ok(admin.get(f"/forms/{form_id}/stats"))
    assert {k: stats[k] for k in ("views", "submissions", "accepted", "quarantined", "discarded")} == {
        "views": 3, "submissions": 3, "accepted": 2, "quarantined": 0, "discarded": 1}
    assert stats["conversion"] == 1.0 and sum(day["submissions"] for day in stats["by_day"]) == 3
    assert ok(admin.get(f"/forms/{form_id}/stats", params={"from": "2000-01-01", "to": "2000-01-31"}))[
        "submissions"] == 0
    assert_problem(admin.get(f"/forms/{form_id}/stats", params={"from": "hier"}), 422, fields=("from",))
    reversed_days = assert_problem(french.get(f"/forms/{form_id}/stats", params={"from": "2026-02-01",
                                                                                "to": "2026-01-31"}), 422)
    assert reversed_days["errors"] == {"from": ["Le premier jour ne doit pas suivre le dernier (to)."]}
    too_long = assert_problem(admin.get(f"/forms/{form_id}/stats", params={"from": "2025-01-01",
                                                                           "to": "2026-01-31"}), 422)
    assert too_long["errors"] == {"from": ["Ask for at most 366 days at once."]}
    listed = next(item for item in ok(admin.get("/forms")) if item["id"] == form_id)
    assert listed["stats"] == {"views": 3, "submissions": 3, "quarantined": 0}

    # a form that received submissions is kept (unpublish it instead)
    problem = assert_problem(admin.delete(f"/forms/{form_id}"), 409, code="form_has_submissions")
    assert problem["detail"].startswith("This form received submissions")
    assert ok(admin.get(f"/forms/{form_id}"))["status"] == "published"


def test_accepted_and_released_submissions_reach_their_contacts(org, posted):
    """F-3: an accepted submission becomes its contact (created in the form's list), and so does a released one."""
    admin = org["admin"]
    form_id = posted["form"]["id"]
    ok(admin.post(f"/forms/{form_id}/submissions/{posted['bots'][0]}/release"))
    for submission_id in (posted["accepted"], posted["bots"][0]):
        applied = eventually(lambda sid=submission_id: ok(admin.get(f"/forms/{form_id}/submissions/{sid}")),
                             lambda item: item["contact_id"] is not None, timeout=20, what="submission applied")
        assert applied["status"] == "accepted" and applied["applied_at"]
        contact = ok(admin.get(f"/contacts/{applied['contact_id']}"))
        assert contact["email"] == applied["data"]["email"] and org["shared"] in contact["list_ids"]
    lea = ok(admin.get(f"/forms/{form_id}/submissions/{posted['accepted']}"))
    contact = ok(admin.get(f"/contacts/{lea['contact_id']}"))
    assert (contact["first_name"], contact["phone"], contact["custom"]) == ("Léa", "514-555-0101",
                                                                            {"secteur": "Bois"})
    assert ok(admin.get(f"/forms/{form_id}/submissions/{posted['bots'][1]}"))["contact_id"] is None


def test_a_submission_shows_only_the_contact_fields_the_caller_may_read(org, posted):
    admin = org["admin"]
    form_id, submission_id = posted["form"]["id"], posted["accepted"]
    contacts = {"contacts": {"read": True, "write": True}}
    hidden = {"contacts.phone": {"read": False, "write": False},
              "contacts.custom.secteur": {"read": False, "write": False}}
    role = add_member(org, modules={**FORMS_READ, **contacts})
    ok(admin.put(f"/roles/{role['role']['id']}/permissions",
                 json={"modules": {**FORMS_READ, **contacts}, "fields": hidden}))
    narrowed = role["client"]
    expected = {"email": "lea@exemple.ca", "first_name": "Léa"}
    assert ok(narrowed.get(f"/forms/{form_id}/submissions/{submission_id}"))["data"] == expected
    listed = ok(narrowed.get(f"/forms/{form_id}/submissions"))["items"]
    assert next(item for item in listed if item["id"] == submission_id)["data"] == expected
    # without the contacts module, no value shows at all
    forms_only = add_member(org, modules=FORMS_READ)["client"]
    seen = ok(forms_only.get(f"/forms/{form_id}/submissions/{submission_id}"))
    assert seen["data"] == {} and seen["status"] == "accepted"
    assert all(item["data"] == {} for item in ok(forms_only.get(f"/forms/{form_id}/submissions"))["items"])
    # releasing answers the submission through the same filter
    writer = add_member(org, modules={"forms": {"read": True, "write": True}})["client"]
    assert ok(writer.post(f"/forms/{form_id}/submissions/{posted['bots'][0]}/release"))["data"] == {}


def test_submissions_of_another_organization_or_form_are_not_found(org, base_url, posted):
    form_id, submission_id = posted["form"]["id"], posted["bots"][0]
    other, _ = sign_up(base_url)
    assert_problem(other.get(f"/forms/{form_id}/submissions"), 404)
    assert_problem(other.get(f"/forms/{form_id}/stats"), 404)
    assert_problem(other.get(f"/forms/{form_id}/submissions/{submission_id}"), 404)
    for action in ("release", "discard"):
        assert_problem(other.post(f"/forms/{form_id}/submissions/{submission_id}/{action}"), 404)
    # its own form naming another's submission
    theirs = published_form(other, ok(other.post("/lists", json={"name": "L"}), 201)["id"])
    assert_problem(other.get(f"/forms/{theirs['id']}/submissions/{submission_id}"), 404)
    assert_problem(other.post(f"/forms/{theirs['id']}/submissions/{submission_id}/release"), 404)
    # the same organization: a submission under another of its forms, or an id that names none
    admin = org["admin"]
    second = published_form(admin, org["shared"], name="Autre")
    assert_problem(admin.get(f"/forms/{second['id']}/submissions/{submission_id}"), 404)
    assert_problem(admin.post(f"/forms/{second['id']}/submissions/{submission_id}/discard"), 404)
    for bad in (NO_ID, "not-a-uuid"):
        assert_problem(admin.get(f"/forms/{form_id}/submissions/{bad}"), 404)
    # none of it touched the quarantined submission
    assert ok(admin.get(f"/forms/{form_id}/submissions/{submission_id}"))["status"] == "quarantined"


def test_the_answers_are_what_the_document_states(org, base_url, posted):
    """Each answer of the forms API validates against its operation's response schema in /api/openapi.json (no key
    the document does not name: additionalProperties false)."""
    document = requests.get(base_url + "/api/openapi.json", timeout=30).json()
    admin = org["admin"]
    form_id, submission_id = posted["form"]["id"], posted["bots"][0]

    def conforms(method, path, response, status=200):
        schema = document["paths"][API + path][method]["responses"][str(status)]["content"]["application/json"]
        jsonschema.Draft202012Validator({**schema["schema"], "components": document["components"]}).validate(
            ok(response, status))

    form_path = "/forms/{form_id}"
    conforms("get", "/forms", admin.get("/forms"))
    conforms("get", "/forms/fields", admin.get("/forms/fields"))
    conforms("get", form_path, admin.get(f"/forms/{form_id}"))
    conforms("get", form_path + "/versions", admin.get(f"/forms/{form_id}/versions"))
    conforms("get", form_path + "/versions/{number}", admin.get(f"/forms/{form_id}/versions/1"))
    conforms("get", form_path + "/embed", admin.get(f"/forms/{form_id}/embed"))
    conforms("get", form_path + "/submissions", admin.get(f"/forms/{form_id}/submissions"))
    conforms("get", form_path + "/submissions/{submission_id}",
             admin.get(f"/forms/{form_id}/submissions/{submission_id}"))
    conforms("post", form_path + "/submissions/{submission_id}/release",
             admin.post(f"/forms/{form_id}/submissions/{submission_id}/release"))
    conforms("get", form_path + "/stats", admin.get(f"/forms/{form_id}/stats"))
    conforms("post", form_path + "/webhook-secret", admin.post(f"/forms/{form_id}/webhook-secret"))
    conforms("post", "/forms", admin.post("/forms", json={"name": "Vide"}), 201)
