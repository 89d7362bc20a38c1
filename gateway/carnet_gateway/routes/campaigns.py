"""Routes of campaigns and one-to-one e-mails (E-2…E-5, E-10): drafts, lists, content, sending, progress; sent
e-mails; served by the campaigns service (carnet_campaigns/campaigns/usecases.py has the rules). Every route needs
the plan's ``emails`` feature (E-1: ``feature="emails"``) and the ``emails`` module permissions (S-3).

A campaign is the organization's: every user with ``emails`` read lists and reads all of them. What it reaches is
the sender's: its lists are lists the caller may access and its recipients the contacts the caller sees, chosen
once when it is sent. A one-to-one e-mail goes from the caller's own address and name (the principal's, never the
body's) to a contact the caller sees (``contacts`` read too)."""
from carnet_gateway import actors, services
from carnet_gateway.api import READ_ERRORS, WRITE_ERRORS, api
from carnet_gateway.schemas import campaigns as s

TAGS = ("campaigns",)
FEATURE = "emails"
READ = ("emails", "read")
WRITE = ("emails", "write")
STATE_ERRORS = (401, 403, 404, 409)


def _actor(call):
    return call.actor(actors.CAMPAIGNS)


@api.route("/campaigns", "GET", permission=READ, feature=FEATURE, query=s.CampaignQuery, response=s.CampaignPage,
           tags=TAGS, errors=(401, 403, 422),
           summary="The organization's campaigns (drafts and sent ones; `kind=single` for one-to-one e-mails), "
                   "newest first, paged")
def list_campaigns(call):
    return services.campaigns.call("list_campaigns", _actor(call), call.query)


@api.route("/campaigns", "POST", permission=WRITE, feature=FEATURE, body=s.CampaignCreate, response=s.CampaignRead,
           status=201, tags=TAGS, errors=WRITE_ERRORS,
           summary="Create a campaign draft (E-2): lists the caller may access (else 422 `unknown_list`), a "
                   "template copied in, a sender of a verified and approved domain (else 422 "
                   "`sender_domain_unverified`)")
def create_campaign(call):
    return services.campaigns.call("create_campaign", _actor(call), call.body)


@api.route("/campaigns/{campaign_id}", "GET", permission=READ, feature=FEATURE, response=s.CampaignRead, tags=TAGS,
           errors=READ_ERRORS, summary="A campaign or one-to-one e-mail of the organization")
def get_campaign(call):
    return services.campaigns.call("get_campaign", _actor(call), call.path["campaign_id"])


@api.route("/campaigns/{campaign_id}", "PATCH", permission=WRITE, feature=FEATURE, body=s.CampaignUpdate,
           response=s.CampaignRead, tags=TAGS, errors=WRITE_ERRORS,
           summary="Change a draft (409 `campaign_not_draft` once sent; 409 `version_conflict` when the version is "
                   "stale)")
def update_campaign(call):
    return services.campaigns.call("update_campaign", _actor(call), call.path["campaign_id"], call.body)


@api.route("/campaigns/{campaign_id}", "DELETE", permission=("emails", "delete"), feature=FEATURE, status=204,
           tags=TAGS, errors=STATE_ERRORS, summary="Delete a draft (409 `campaign_not_draft` once sent)")
def delete_campaign(call):
    services.campaigns.call("delete_campaign", _actor(call), call.path["campaign_id"])


@api.route("/campaigns/{campaign_id}/copy", "POST", permission=WRITE, feature=FEATURE, response=s.CampaignRead,
           status=201, tags=TAGS, errors=READ_ERRORS,
           summary="Copy a campaign or a sent e-mail into a new draft (E-2); lists the caller no longer accesses "
                   "are left out")
def copy_campaign(call):
    return services.campaigns.call("copy_campaign", _actor(call), call.path["campaign_id"])


@api.route("/campaigns/{campaign_id}/counters", "GET", permission=READ, feature=FEATURE, response=s.Counters,
           tags=TAGS, errors=(401, 403, 404, 422),
           summary="The pre-send counters of a campaign's lists (E-4, E-11), as the caller sees their contacts")
def campaign_counters(call):
    return services.campaigns.call("campaign_counters", _actor(call), call.path["campaign_id"])


@api.route("/campaigns/{campaign_id}/send", "POST", permission=WRITE, feature=FEATURE, body=s.CampaignVersion,
           response=s.Progress, status=202, tags=TAGS, errors=WRITE_ERRORS,
           summary="Send a draft: its recipients (the selected contacts the caller sees, one per address) are "
                   "chosen now and the sender sends them in the background. 409 `campaign_not_ready` naming the "
                   "draft's fields while the draft cannot be sent: no list (`campaign_no_list`), merge-field "
                   "errors, no subject, body or sender, a sender no longer usable, nobody selected "
                   "(`campaign_empty`); 409 `campaign_already_sent`")
def send_campaign(call):
    return services.campaigns.call("send_campaign", _actor(call), call.path["campaign_id"], call.body)


def _transition(name, summary):
    @api.route(f"/campaigns/{{campaign_id}}/{name}", "POST", permission=WRITE, feature=FEATURE,
               response=s.Progress, tags=TAGS, errors=STATE_ERRORS, summary=summary, name=f"{name}_campaign")
    def view(call):
        return services.campaigns.call(f"{name}_campaign", _actor(call), call.path["campaign_id"])
    return view


pause_campaign = _transition("pause", "Pause a campaign that is sending (409 `campaign_cannot_pause` otherwise)")
resume_campaign = _transition("resume", "Resume a paused campaign (409 `campaign_cannot_resume` otherwise)")
cancel_campaign = _transition("cancel", "Cancel a sending or paused campaign: the recipients not sent yet are "
                                        "never sent (409 `campaign_cannot_cancel` otherwise)")


@api.route("/campaigns/{campaign_id}/progress", "GET", permission=READ, feature=FEATURE, response=s.Progress,
           tags=TAGS, errors=READ_ERRORS, summary="Where sending stands: the status and the recipients by state")
def campaign_progress(call):
    return services.campaigns.call("campaign_progress", _actor(call), call.path["campaign_id"])


@api.route("/contacts/{contact_id}/emails", "POST", permission=[WRITE, ("contacts", "read")], feature=FEATURE,
           body=s.SingleEmailCreate, response=s.CampaignRead, status=202, tags=TAGS, errors=WRITE_ERRORS,
           summary="Send one e-mail to a contact the caller sees (E-3), from the caller's own address and name; "
                   "409 `contact_no_email` when the contact has none")
def send_single_email(call):
    user = call.principal["user"]
    sender = {"email": user.get("email"), "name": user.get("full_name") or ""}
    return services.campaigns.call("send_single_email", _actor(call), call.path["contact_id"], sender, call.body)


@api.route("/sent-emails", "GET", permission=READ, feature=FEATURE, query=s.SentEmailQuery,
           response=s.SentEmailPage, tags=TAGS, errors=(401, 403, 422),
           summary="The module's sent e-mails: campaigns and one-to-one e-mails whose sending started, newest "
                   "first, with their recipients, sent, opened and clicked counts")
def list_sent_emails(call):
    return services.campaigns.call("list_sent_emails", _actor(call), call.query)
