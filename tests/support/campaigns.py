"""Helpers shared by every campaigns suite (issue 13) driving the gateway over HTTP: a usable sending domain for an
organization (E-6) and contacts in a list (E-4).

    from support.campaigns import contacts_in_list, ready_domain
    domain = ready_domain(stack, org["admin"], dns_zone)            # "n1a2b3c4d5e6f.test", verified and approved
    people = contacts_in_list(org["admin"], org["shared"], 3)       # 3 subscribed contacts, fr/en alternately

``ready_domain`` adds the domain through the API as the organization's administrator, publishes the three records the
API answered into the suite's DNS server, runs the check through the API, and approves the domain as the
installation's operator does (the campaigns service's ``approve_domain`` RPC over the stack's message bus: what
``python -m carnet_campaigns.operator approve-domain`` calls). A campaign may then be sent from ``anyone@<domain>``.
"""
import uuid

from nameko.standalone.rpc import ClusterRpcProxy

from carnet_testing import eventually, rpc_config
from support.http import ok, unique


def new_domain():
    """A domain no other test uses (a 13-character random label: never a look-alike of another test's)."""
    return f"n{uuid.uuid4().hex[:12]}.test"


def publish(dns_zone, records):
    """Publish records as the API answered them (``[{"type", "name", "value"}]``) into the suite's DNS zone."""
    for record in records:
        dns_zone.set(record["name"], record["type"], record["value"])


def operator_rpc(stack):
    """A standalone proxy to the stack's services, as the operator CLI uses (``with operator_rpc(stack) as rpc``)."""
    return ClusterRpcProxy(rpc_config(stack.env), timeout=30)


def ready_domain(stack, admin_client, dns_zone, domain=None):
    """A verified and approved sending domain of ``admin_client``'s organization (an ``ApiClient`` of an
    administrator); returns its ASCII name."""
    added = ok(admin_client.post("/sending-domains", json={"domain": domain or new_domain()}), 201)
    publish(dns_zone, added["records"])
    checked = ok(admin_client.post(f"/sending-domains/{added['id']}/check"))
    assert checked["verified"], checked["checks"]
    with operator_rpc(stack) as rpc:
        approved = rpc.campaigns.approve_domain(added["domain"])
    assert approved["usable"], approved
    return added["domain"]


def contacts_in_list(client, list_id, count, **fields):
    """``count`` contacts created by ``client`` (an ``ApiClient``) in ``list_id``: e-mails
    ``<unique>-<i>@example.test``, language "fr" for even ``i`` and "en" for odd ones, subscribed; ``fields``
    complete or replace those (same for all). Returns the created contacts, in order, once the campaigns service's
    read model has them (the list's audience counts them): a campaign sent at once reaches them all, as one sent a
    moment after a user created them does (its counters show what it will reach)."""
    def audience():
        return ok(client.post("/campaigns/audience", json={"list_ids": [list_id]}))["total"]

    before = audience()  # every earlier call waited for its own contacts
    stem = unique("c").lower()
    created = []
    for i in range(count):
        body = {"last_name": f"Contact {i}", "email": f"{stem}-{i}@example.test", "language": "fr" if i % 2 == 0
                else "en", "subscribed": True, "list_ids": [list_id], **fields}
        created.append(ok(client.post("/contacts", json=body), 201))
    eventually(audience, lambda total: total >= before + count, what=f"{count} contacts in the campaigns' read model")
    return created
