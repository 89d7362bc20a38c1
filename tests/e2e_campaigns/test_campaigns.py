"""Campaigns and one-to-one e-mails through the gateway (E-2…E-5), as a client would drive them: a draft on a list,
the issue's bad input (a sender outside the verified domains, no list, broken merge fields, CR/LF in the reply-to
or the from, a second send), the counters, the send counted at the relay, the progress, the sent e-mails; the
authorization rules (another organization's campaign 404, a list the caller may not access 422, no ``emails``
permission 403, a rep-limited member's send reaching only their contacts)."""
from conftest import assert_problem, eventually, ok, sign_up
from support.campaigns import contacts_in_list, ready_domain
from support.orgs import add_member

EMAILS = {"read": True, "write": True, "delete": True}
CONTACTS = {"read": True, "write": True}


def body_of(list_ids, domain, **fields):
    return {"name": "Infolettre", "list_ids": list_ids, "subject": "Bonjour {{ first_name }}",
            "html": "<p>Bonjour {{ first_name }}</p>", "text": "Bonjour {{ first_name }}", "from_name": "Acme",
            "from_email": f"nouvelles@{domain}", "reply_to": "aide@ailleurs.example", **fields}


def recipients_at(relay, stem):
    return sorted(str(message["To"]).lower() for message in relay.received(lambda m: stem in str(m["To"]).lower()))


def test_build_count_send_and_follow_a_campaign(stack, org, relay, dns_zone):
    admin = org["admin"]
    domain = ready_domain(stack, admin, dns_zone)
    people = contacts_in_list(admin, org["shared"], 3)
    stem = people[0]["email"].rsplit("-", 1)[0]
    ok(admin.post("/contacts", json={"last_name": "Doublon", "email": people[0]["email"].upper(),
                                     "list_ids": [org["shared"]], "language": "fr", "subscribed": True}), 201)

    # the bad input, each a 422 naming its field
    assert_problem(admin.post("/campaigns", json=body_of([org["shared"]], "pas-verifie.example")), 422,
                   code="invalid_input", fields=("from_email",))
    assert_problem(admin.post("/campaigns", json=body_of([org["shared"]], domain,
                                                         reply_to="a@b.example\r\nBcc: x@y.example")), 422,
                   fields=("reply_to",))
    assert_problem(admin.post("/campaigns", json=body_of([org["shared"]], domain,
                                                         from_email=f"a@{domain}\nBcc: x@y.example")), 422,
                   fields=("from_email",))
    assert_problem(admin.post("/campaigns", json=body_of([org["shared"]], domain, from_name="A\r\nB: c")), 422,
                   fields=("from_name",))
    assert_problem(admin.post("/campaigns", json=body_of(["not-a-list"], domain)), 422, fields=("list_ids",))

    no_list = ok(admin.post("/campaigns", json=body_of([], domain)), 201)
    # the draft, not the request, stops the send: 409 naming the draft's fields
    assert_problem(admin.post(f"/campaigns/{no_list['id']}/send", json={"version": 1}), 409, fields=("list_ids",))
    broken = ok(admin.post("/campaigns", json=body_of([org["shared"]], domain, subject="{{ prenom }}",
                                                      html="<p>{{ first_name </p>")), 201)
    problem = assert_problem(admin.post(f"/campaigns/{broken['id']}/send", json={"version": 1}), 409,
                             fields=("subject", "html"))
    assert set(problem["errors"]) == {"subject", "html"}
    assert not recipients_at(relay, stem)

    draft = ok(admin.post("/campaigns", json=body_of([org["shared"]], domain)), 201)
    assert ok(admin.get(f"/campaigns/{draft['id']}")) == draft
    counters = ok(admin.get(f"/campaigns/{draft['id']}/counters"))
    assert (counters["total"], counters["valid"], counters["selected"], counters["duplicates"]) == (4, 3, 3, 1)
    assert_problem(admin.patch(f"/campaigns/{draft['id']}", json={"version": 9, "name": "x"}), 409,
                   code="version_conflict")

    started = ok(admin.post(f"/campaigns/{draft['id']}/send", json={"version": 1}), 202)
    assert started["total"] == 3
    done = eventually(lambda: ok(admin.get(f"/campaigns/{draft['id']}/progress")),
                      lambda progress: progress["status"] == "sent", timeout=30, what="campaign sent")
    assert done["states"]["sent"] == 3 and done["done"] == 3
    assert recipients_at(relay, stem) == sorted(person["email"] for person in people)

    second = assert_problem(admin.post(f"/campaigns/{draft['id']}/send", json={"version": 2}), 409,
                            code="campaign_already_sent")
    assert second["detail"]
    assert_problem(admin.delete(f"/campaigns/{draft['id']}"), 409, code="campaign_not_draft")
    sent = ok(admin.get("/sent-emails"))
    assert sent["items"][0]["id"] == draft["id"] and (sent["items"][0]["recipients"], sent["items"][0]["sent"]) == (
        3, 3)
    copy = ok(admin.post(f"/campaigns/{draft['id']}/copy"), 201)
    assert copy["status"] == "draft" and copy["subject"] == draft["subject"]
    drafts = ok(admin.get("/campaigns", params={"status": "draft"}))
    assert copy["id"] in [item["id"] for item in drafts["items"]]


def test_who_may_read_write_and_reach_what(stack, org, base_url, relay, dns_zone):
    admin = org["admin"]
    domain = ready_domain(stack, admin, dns_zone)
    draft = ok(admin.post("/campaigns", json=body_of([org["shared"]], domain)), 201)

    # another organization: 404, as a campaign that does not exist
    other, _ = sign_up(base_url)
    assert_problem(other.get(f"/campaigns/{draft['id']}"), 404)
    assert_problem(other.post(f"/campaigns/{draft['id']}/send", json={"version": 1}), 404)

    # no emails permission: 403 naming it; read only: no writes
    nobody = add_member(org, modules={"contacts": CONTACTS})["client"]
    assert_problem(nobody.get("/campaigns"), 403, code="missing_permission")
    assert_problem(nobody.get(f"/campaigns/{draft['id']}"), 403, code="missing_permission")
    reader = add_member(org, modules={"contacts": CONTACTS, "emails": {"read": True}})["client"]
    assert ok(reader.get(f"/campaigns/{draft['id']}"))["id"] == draft["id"]
    assert_problem(reader.post(f"/campaigns/{draft['id']}/send", json={"version": 1}), 403)
    assert_problem(reader.post("/campaigns", json=body_of([org["shared"]], domain)), 403)

    # a list the member may not access (the admin's unshared list): 422 on list_ids
    writer = add_member(org, modules={"contacts": CONTACTS, "emails": EMAILS})
    assert_problem(writer["client"].post("/campaigns", json=body_of([org["closed"]], domain)), 422,
                   code="invalid_input", fields=("list_ids",))

    # a rep-limited member's campaign reaches only the contacts they represent, counted at the relay
    theirs = contacts_in_list(admin, org["shared"], 2, rep1_id=writer["user"]["id"])
    others = contacts_in_list(admin, org["shared"], 2)
    mine = ok(writer["client"].post("/campaigns", json=body_of([org["shared"]], domain)), 201)
    assert ok(writer["client"].get(f"/campaigns/{mine['id']}/counters"))["selected"] == 2
    ok(writer["client"].post(f"/campaigns/{mine['id']}/send", json={"version": 1}), 202)
    eventually(lambda: ok(admin.get(f"/campaigns/{mine['id']}/progress")), lambda p: p["status"] == "sent",
               timeout=30, what="member's campaign sent")
    reached = [person["email"] for person in theirs + others if relay.to(person["email"])]
    assert sorted(reached) == sorted(person["email"] for person in theirs)


def test_a_one_to_one_email_from_the_contact_record(stack, org, relay):
    admin = org["admin"]
    person = contacts_in_list(admin, org["shared"], 1, first_name="Léa")[0]
    sent = ok(admin.post(f"/contacts/{person['id']}/emails",
                         json={"template_id": "builtin:blank", "subject": "Bonjour {{ first_name }}",
                               "text": "À bientôt", "html": ""}), 202)
    assert (sent["kind"], sent["contact_id"], sent["status"]) == ("single", person["id"], "sending")
    message = eventually(lambda: relay.to(person["email"]), timeout=30, what="one-to-one e-mail")[0]
    me = ok(admin.get("/me"))
    assert message["From"].addresses[0].addr_spec == me["user"]["email"]
    assert message["Subject"] == "Bonjour Léa"
    assert_problem(admin.post(f"/contacts/{person['id']}/emails",
                              json={"subject": "x", "text": "y", "from_email": "boss@evil.example"}), 422,
                   fields=("from_email",))
    no_email = ok(admin.post("/contacts", json={"last_name": "Sans courriel", "list_ids": [org["shared"]]}), 201)
    assert_problem(admin.post(f"/contacts/{no_email['id']}/emails", json={"subject": "x", "text": "y"}), 409,
                   code="contact_no_email")
    hidden = add_member(org, modules={"contacts": CONTACTS, "emails": EMAILS})["client"]
    assert_problem(hidden.post(f"/contacts/{person['id']}/emails", json={"subject": "x", "text": "y"}), 404)
    assert ok(admin.get("/sent-emails", params={"kind": "single"}))["items"][0]["id"] == sent["id"]
