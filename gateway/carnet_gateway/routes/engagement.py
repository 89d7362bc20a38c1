"""Routes of what recipients did (E-7, E-9): per-recipient report, a contact's e-mails; served by the campaigns
service (engagement area). Every route needs the plan's ``emails`` feature (E-1: ``feature="emails"``) and the
``emails`` module permissions (S-3).

A report counts only the recipients whose contact the caller sees NOW (never more than the contact's own GET); a
campaign of another organization is 404. A contact's e-mails need the contact visible (404 otherwise)."""
from carnet_gateway import actors, services
from carnet_gateway.api import READ_ERRORS, api
from carnet_gateway.schemas import engagement as s

TAGS = ("campaigns",)
READ = ("emails", "read")
FEATURE = "emails"


@api.route("/campaigns/{campaign_id}/report", "GET", permission=READ, feature=FEATURE, response=s.CampaignReport,
           tags=TAGS, errors=READ_ERRORS,
           summary="A campaign's (or one-to-one e-mail's) report (E-9): recipients, sent, failed, opened, clicked, "
                   "unsubscribed, bounced, bot hits, rates — over the recipients whose contact the caller sees")
def get_campaign_report(call):
    return services.campaigns.call("get_campaign_report", call.actor(actors.CAMPAIGNS), call.path["campaign_id"])


@api.route("/campaigns/{campaign_id}/recipients", "GET", permission=READ, feature=FEATURE, query=s.RecipientQuery,
           response=s.RecipientPage, tags=TAGS, errors=(*READ_ERRORS, 422),
           summary="A page of a campaign's recipients the caller sees (by address), each with its state, opens, "
                   "clicks, unsubscribe and last error")
def list_campaign_recipients(call):
    return services.campaigns.call("list_campaign_recipients", call.actor(actors.CAMPAIGNS),
                                   call.path["campaign_id"], call.query)


@api.route("/contacts/{contact_id}/emails", "GET", permission=READ, feature=FEATURE, query=s.ContactEmailQuery,
           response=s.ContactEmailPage, tags=TAGS, errors=(*READ_ERRORS, 422),
           summary="The campaigns and one-to-one e-mails sent to a contact the caller sees (E-3), newest first, "
                   "each with whether it was opened and clicked")
def list_contact_emails(call):
    return services.campaigns.call("list_contact_emails", call.actor(actors.CAMPAIGNS), call.path["contact_id"],
                                   call.query)
