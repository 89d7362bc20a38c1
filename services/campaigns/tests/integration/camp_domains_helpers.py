"""A usable sending domain (verified and approved, E-6) for the campaigns service's integration tests of any area.

    from camp_domains_helpers import ready_domain, publish
    domain = ready_domain(camp_rpc, camp_dns, actor)              # "n1a2b3c4d5e6f.test"
    domain = ready_domain(camp_rpc, camp_dns, actor, "acme.test")  # a name of the test's choosing (unique!)

It adds the domain over RPC (as the organization's administrator: ``actor`` with ``is_admin`` forced true),
publishes the three records the service answered into ``camp_dns``, runs the check, and approves it as the operator
does (``approve_domain``). Then ``carnet_campaigns.domains.usecases.check_sender`` accepts ``anyone@<domain>`` for
that organization and ``signing_key`` gives its DKIM key."""
import uuid


def new_domain():
    """A domain no other test uses (a random label: look-alikes of each other are unlikely at 13 characters)."""
    return f"n{uuid.uuid4().hex[:12]}.test"


def publish(camp_dns, records):
    """Publish the records an add or a get answered (``[{"type", "name", "value"}]``) into the test DNS zone."""
    for record in records:
        camp_dns.set(record["name"], record["type"], record["value"])


def ready_domain(camp_rpc, camp_dns, actor, domain=None):
    admin = {**actor, "is_admin": True}
    added = camp_rpc.add_sending_domain(admin, {"domain": domain or new_domain()})
    publish(camp_dns, added["records"])
    checked = camp_rpc.check_sending_domain(admin, added["id"])
    assert checked["verified"], checked["checks"]
    approved = camp_rpc.approve_domain(added["domain"])
    assert approved["usable"], approved
    return added["domain"]
