"""Routes of sending domains (E-5, E-6): DNS records to publish, their check, approval; served by the campaigns
service (carnet_campaigns/domains/usecases.py has the rules). Every route needs the plan's ``emails`` feature (E-1:
``feature="emails"``).

The organization's administrators add, read, check and delete its domains (``auth=ADMIN``); any user with the
``emails`` read permission lists them (without the records: the senders a campaign may use are the ``usable``
ones). Another organization's domain is a 404. Approval is the installation's administrator's
(``python -m carnet_campaigns.operator``), never a route. Each check result's reason is rendered as a sentence in the
caller's language (``message``)."""
from carnet_gateway import actors, messages, problems, services
from carnet_gateway.api import ADMIN, READ_ERRORS, WRITE_ERRORS, api
from carnet_gateway.schemas import sending_domains as s

TAGS = ("sending domains",)
FEATURE = "emails"
READ = ("emails", "read")


def _actor(call):
    return call.actor(actors.CAMPAIGNS)


def shown(domain):
    """The domain with each check's reason as a sentence in the caller's language."""
    checks = domain.get("checks")
    if checks:
        language = problems.language()
        domain = {**domain, "checks": {
            record: {**result, "message": messages.render(result["reason"], language,
                                                          {"domain": domain["domain"], "found": result.get("found")})}
            for record, result in checks.items()}}
    return domain


@api.route("/sending-domains", "GET", permission=READ, feature=FEATURE, response=s.DomainRead, many=True,
           tags=TAGS, errors=(401, 403),
           summary="The organization's sending domains with their state (E-6); the records to publish for "
                   "administrators only")
def list_sending_domains(call):
    return [shown(d) for d in services.campaigns.call("list_sending_domains", _actor(call))]


@api.route("/sending-domains", "POST", auth=ADMIN, feature=FEATURE, body=s.DomainCreate, response=s.DomainRead,
           status=201, tags=TAGS, errors=WRITE_ERRORS,
           summary="Add a sending domain (administrators): answers the three DNS records to publish (SPF include, "
                   "DKIM key, tracking CNAME). 422 `domain_lookalike` (naming what it resembles), "
                   "`domain_free_mail`, `domain_mixed_script` or `invalid_domain` on `domain`; 409 `domain_taken` "
                   "(another organization's), `domain_exists` or `domain_limit` (CAMPAIGNS_MAX_DOMAINS)")
def add_sending_domain(call):
    return shown(services.campaigns.call("add_sending_domain", _actor(call), call.body))


@api.route("/sending-domains/{domain_id}", "GET", auth=ADMIN, feature=FEATURE, response=s.DomainRead, tags=TAGS,
           errors=READ_ERRORS, summary="A sending domain: the records to publish, the last check, the approval")
def get_sending_domain(call):
    return shown(services.campaigns.call("get_sending_domain", _actor(call), call.path["domain_id"]))


@api.route("/sending-domains/{domain_id}/check", "POST", auth=ADMIN, feature=FEATURE, response=s.DomainRead,
           tags=TAGS, errors=READ_ERRORS,
           summary="Check the domain's three records in the DNS now; verified when all three are found as "
                   "published. Usable for sending once verified and approved by Carnet")
def check_sending_domain(call):
    return shown(services.campaigns.call("check_sending_domain", _actor(call), call.path["domain_id"]))


@api.route("/sending-domains/{domain_id}", "DELETE", auth=ADMIN, feature=FEATURE, status=204, tags=TAGS,
           errors=READ_ERRORS, summary="Delete a sending domain (campaigns can no longer be sent from it)")
def delete_sending_domain(call):
    services.campaigns.call("delete_sending_domain", _actor(call), call.path["domain_id"])
