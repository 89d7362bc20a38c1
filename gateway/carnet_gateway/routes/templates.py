"""Routes of e-mail templates (E-2, E-8): built-in and own, merge fields, previews; served by the campaigns service
(content area: carnet_campaigns/content/usecases.py has the rules). Every route needs the plan's ``emails`` feature
(E-1: ``feature="emails"``, 403 ``plan_feature`` below team) and the ``emails`` module permissions (S-3): read to
list, read and preview, write to create, change, delete and make one from a sent e-mail.

Built-in templates (``builtin:<key>``) are listed first, in the caller's language, and are read-only (409
``template_builtin_read_only``). Own templates are the organization's: another organization's is a 404. Merge fields
are checked (422 ``merge_field_unknown`` / ``merge_field_broken`` naming subject, html or text) and the HTML is
sanitised when saved (E-8).

File links (E-8): ``POST /email-templates/file-links`` answers a public, signed, expiring link to a document the
caller may read (carnet_gateway/public_files.py serves it at ``/files/<token>``)."""
from carnet_gateway import actors, public_files, services
from carnet_gateway.api import READ_ERRORS, WRITE_ERRORS, Need, When, api
from carnet_gateway.routes.documents import readable
from carnet_gateway.schemas import templates as s

TAGS = ("email-templates",)
FEATURE = "emails"
READ = ("emails", "read")
WRITE = ("emails", "write")


@api.route("/email-templates", "GET", feature=FEATURE, permission=READ, response=s.TemplateRead, many=True,
           tags=TAGS, errors=(401, 403),
           summary="The templates (E-2): the built-in ones first (in the caller's language), then the "
                   "organization's own by name")
def list_templates(call):
    return services.campaigns.call("list_templates", call.actor(actors.CAMPAIGNS))


@api.route("/email-templates", "POST", feature=FEATURE, permission=WRITE, body=s.TemplateCreate,
           response=s.TemplateRead, status=201, tags=TAGS, errors=(401, 403, 422),
           summary="Create a template: merge fields checked (422 naming subject, html or text), HTML sanitised")
def create_template(call):
    return services.campaigns.call("create_template", call.actor(actors.CAMPAIGNS), call.body)


@api.route("/email-templates/from-campaign/{campaign_id}", "POST", feature=FEATURE, permission=WRITE,
           body=s.TemplateFromCampaign, response=s.TemplateRead, status=201, tags=TAGS, errors=WRITE_ERRORS,
           summary="Create a template from a sent e-mail (E-2): its subject and bodies; a draft is a 409 "
                   "`template_source_not_sent`; another user's one-to-one e-mail a 404 (unless administrator)")
def create_template_from_campaign(call):
    return services.campaigns.call("create_template_from_campaign", call.actor(actors.CAMPAIGNS),
                                   call.path["campaign_id"], call.body)


@api.route("/email-templates/{template_id}", "GET", feature=FEATURE, permission=READ, response=s.TemplateRead,
           tags=TAGS, errors=READ_ERRORS, summary="One template (a built-in one in the caller's language)")
def get_template(call):
    return services.campaigns.call("get_template", call.actor(actors.CAMPAIGNS), call.path["template_id"])


@api.route("/email-templates/{template_id}", "PATCH", feature=FEATURE, permission=WRITE, body=s.TemplateUpdate,
           response=s.TemplateRead, tags=TAGS, errors=WRITE_ERRORS,
           summary="Change an own template with the version read (409 `version_conflict` when stale; 409 "
                   "`template_builtin_read_only` for a built-in one)")
def update_template(call):
    return services.campaigns.call("update_template", call.actor(actors.CAMPAIGNS), call.path["template_id"],
                                   call.body)


@api.route("/email-templates/{template_id}", "DELETE", feature=FEATURE, permission=WRITE, status=204, tags=TAGS,
           errors=(401, 403, 404, 409),
           summary="Delete an own template (409 `template_builtin_read_only` for a built-in one); campaigns made "
                   "from it keep their copy")
def delete_template(call):
    services.campaigns.call("delete_template", call.actor(actors.CAMPAIGNS), call.path["template_id"])


# A preview with a contact's values shows its names and address: the contacts module's read permission too (S-3).
PREVIEW = [READ, Need("contacts", "read", When("a `contact_id` is given",
                                               lambda call: bool(call.query.get("contact_id"))))]


@api.route("/email-templates/{template_id}/preview", "GET", feature=FEATURE, permission=PREVIEW,
           query=s.PreviewQuery,
           response=s.TemplatePreview, tags=TAGS, errors=READ_ERRORS + (422,),
           summary="The template rendered with sample values (or those of `contact_id`, a contact the caller sees: "
                   "404 otherwise), in English and French (or `language`); the HTML sanitised")
def preview_template(call):
    return services.campaigns.call("preview_template", call.actor(actors.CAMPAIGNS), call.path["template_id"],
                                   call.query)


@api.route("/email-templates/file-links", "POST", feature=FEATURE, permission=[WRITE, ("documents", "read")],
           body=s.FileLinkCreate, response=s.FileLinkRead, status=201, tags=TAGS, errors=(401, 403, 404, 422),
           summary="A public link to a file of the file manager for an e-mail (E-8): signed, expiring "
                   "(`CAMPAIGNS_FILE_LINK_DAYS`), for a document the caller may read (404 otherwise)")
def create_file_link(call):
    document = services.contacts.call("get_document", call.actor(actors.CONTACTS), call.body["document_id"],
                                      readable(call.principal))
    return public_files.mint(document, org_id=call.principal["organization"]["id"])
