"""Routes of the audience of campaigns: pre-send counters (E-4), a contact's consent ledger (E-11), the suppression
list; served by the campaigns service (audience area: carnet_campaigns/audience/usecases.py has the rules). Every
route needs the plan's ``emails`` feature (E-1: ``feature="emails"``) and the ``emails`` module permissions (S-3).

The counters count only the contacts the caller sees, of lists the caller may access (422 ``unknown_list``
otherwise). A contact's consents need ``contacts`` read too, and the contact visible to the caller (404 otherwise,
as its own GET). Only manual entries of the suppression list may be removed (an unsubscribe, a bounce or a complaint
stays: 409 ``suppression_not_removable``)."""
from carnet_gateway import actors, services
from carnet_gateway.api import READ_ERRORS, WRITE_ERRORS, api
from carnet_gateway.schemas import audience as s

TAGS = ("campaigns",)
FEATURE = "emails"
READ = ("emails", "read")
WRITE = ("emails", "write")
CONSENT_READ = [READ, ("contacts", "read")]
CONSENT_WRITE = [WRITE, ("contacts", "read")]


def _actor(call):
    return call.actor(actors.CAMPAIGNS)


@api.route("/campaigns/audience", "POST", permission=READ, feature=FEATURE, body=s.CountersQuery,
           response=s.Counters, tags=TAGS, errors=(401, 403, 422),
           summary="The pre-send counters (E-4, E-11) of the contacts of one or more lists the caller may access "
                   "(else 422 `unknown_list`) that the caller sees: total, valid, selected, duplicates, "
                   "unsubscribed, invalid, no consent, consent expired")
def audience_counters(call):
    return services.campaigns.call("audience_counters", _actor(call), call.body)


@api.route("/contacts/{contact_id}/consents", "GET", permission=CONSENT_READ, feature=FEATURE,
           response=s.ConsentLedger, tags=TAGS, errors=READ_ERRORS,
           summary="A contact's consent ledger (E-11, newest first) and its state now: express, implied, expired "
                   "or none")
def contact_consents(call):
    return services.campaigns.call("contact_consents", _actor(call), call.path["contact_id"])


@api.route("/contacts/{contact_id}/consents", "POST", permission=CONSENT_WRITE, feature=FEATURE,
           body=s.ConsentCreate, response=s.ConsentRead, status=201, tags=TAGS, errors=WRITE_ERRORS,
           summary="Record a consent the contact gave (E-11): express, or implied with its basis (it lapses 2 "
                   "years after a purchase, 6 months after an inquiry, at `expires_at` for another basis)")
def record_consent(call):
    return services.campaigns.call("record_consent", _actor(call), call.path["contact_id"], call.body)


@api.route("/contacts/{contact_id}/consents/{consent_id}/withdraw", "POST", permission=CONSENT_WRITE,
           feature=FEATURE, response=s.ConsentRead, tags=TAGS, errors=(401, 403, 404, 409),
           summary="Withdraw a consent (409 `consent_withdrawn` when it already was)")
def withdraw_consent(call):
    return services.campaigns.call("withdraw_consent", _actor(call), call.path["contact_id"],
                                   call.path["consent_id"])


@api.route("/suppressions", "GET", permission=READ, feature=FEATURE, query=s.SuppressionQuery,
           response=s.SuppressionPage, tags=TAGS, errors=(401, 403, 422),
           summary="The organization's suppression list (never mailed again), newest first, paged; `q` finds part "
                   "of an address")
def list_suppressions(call):
    return services.campaigns.call("list_suppressions", _actor(call), call.query)


@api.route("/suppressions", "POST", permission=WRITE, feature=FEATURE, body=s.SuppressionCreate,
           response=s.SuppressionRead, status=201, tags=TAGS, errors=(401, 403, 422),
           summary="Put an address on the suppression list by hand (reason manual; an address already there keeps "
                   "its entry)")
def add_suppression(call):
    return services.campaigns.call("add_suppression", _actor(call), call.body)


@api.route("/suppressions/{email}", "DELETE", permission=WRITE, feature=FEATURE, status=204, tags=TAGS,
           errors=(401, 403, 404, 409),
           summary="Remove a manual entry of the suppression list (409 `suppression_not_removable` for an "
                   "unsubscribe, a bounce or a complaint: only the recipient may undo those)")
def remove_suppression(call):
    services.campaigns.call("remove_suppression", _actor(call), call.path["email"])
