"""Sending end to end (E-7, E-10): a campaign sent through the gateway reaches the suite's relay DKIM-signed with the
organization's domain (verified against the suite's DNS server), with RFC 8058's headers signed; the one-click
unsubscribe the mail client would POST to ``List-Unsubscribe`` works as written in the message, and the next
campaign to the same list does not mail that address again."""
from urllib.parse import urlsplit

import dkim
import dns.resolver
import requests
from conftest import eventually, ok
from support.campaigns import contacts_in_list, ready_domain


def send(admin, list_id, domain):
    draft = ok(admin.post("/campaigns", json={
        "name": "Nouvelles", "list_ids": [list_id], "subject": "Bonjour {{ first_name }}",
        "html": '<p>Bonjour {{ first_name }}, <a href="https://boutique.example/noel">nos offres</a></p>',
        "text": "", "from_name": "Boutique", "from_email": f"nouvelles@{domain}"}), 201)
    ok(admin.post(f"/campaigns/{draft['id']}/send", json={"version": draft["version"]}), 202)
    return eventually(lambda: ok(admin.get(f"/campaigns/{draft['id']}/progress")),
                      lambda progress: progress["status"] == "sent", timeout=30, what="campaign sent")


def test_signed_sent_once_and_one_click_unsubscribe(stack, org, relay, dns_zone, base_url):
    admin = org["admin"]
    domain = ready_domain(stack, admin, dns_zone)
    people = contacts_in_list(admin, org["shared"], 2)
    emails = [person["email"].lower() for person in people]
    send(admin, org["shared"], domain)
    assert {e: len(relay.raw_to(e)) for e in emails} == {e: 1 for e in emails}

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], dns_zone.port

    def dnsfunc(name, timeout=5):
        answer = resolver.resolve(name.decode().rstrip("."), "TXT", tcp=True)
        return b"".join(b"".join(record.strings) for record in answer)

    signer = dkim.DKIM(relay.raw_to(emails[0])[0])
    assert signer.verify(dnsfunc=dnsfunc) and signer.domain == domain.encode()
    assert {b"list-unsubscribe", b"list-unsubscribe-post"} <= set(signer.include_headers)

    message = relay.to(people[0]["email"])[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>")
    answer = requests.post(base_url + urlsplit(url).path, data={"List-Unsubscribe": "One-Click"}, timeout=30,
                           allow_redirects=False)  # what a mail client does (RFC 8058)
    assert answer.status_code == 200

    second = send(admin, org["shared"], domain)
    assert second["states"].get("sent") == 1
    assert {e: len(relay.raw_to(e)) for e in emails} == {emails[0]: 1, emails[1]: 2}
