"""Each body and query a route loads and forwards is the declaration its service loads again (issue 9 §1): one
contract of ``carnet_contracts``, used as is or derived there (text values parsed, what the gateway adds before
forwarding, paging left out), never a second list of fields. A copy declared on either side fails here, as does a
route or an entrypoint that stops using the shared contract.

The constants some services still keep beside their rules (identity's permission vocabulary and plans, the custom
field types of ``carnet_custom_fields.values``) must be the library's."""
import pytest
from marshmallow import fields

import carnet_gateway.app  # noqa: F401 - importing the app declares every route on ``api``
from carnet_common.contracts import Contract, text
from carnet_contacts.automations import contracts as automations
from carnet_contacts.customization import contracts as contact_customization
from carnet_contacts.customization.entrypoints import CustomizationRpc
from carnet_contacts.duplicates.entrypoints import CANDIDATES as duplicate_candidates
from carnet_contacts.enrichment import contracts as enrichment
from carnet_contacts.imports import contracts as imports
from carnet_contacts.lifecycle import contracts as lifecycle
from carnet_contacts.lists import contracts as lists
from carnet_contacts.merges import contracts as merges
from carnet_contacts.records import contracts as records
from carnet_contracts import (
    audience,
    campaigns,
    documents,
    duplicates,
    engagement,
    forms,
    identity,
    sending_domains,
    templates,
)
from carnet_gateway.api import api
from carnet_identity import contracts as identity_rpc
from carnet_identity import plans
from carnet_opportunities.dashboard import contracts as dashboard
from carnet_opportunities.opportunities import contracts as opportunities
from carnet_opportunities.opportunities.entrypoints import OpportunitiesEntrypoints
from carnet_opportunities.tasks import contracts as tasks

# (method, path of the route, what it forwards, the contract the receiving entrypoint loads it with)
ROUTES = [
    # Campaigns (issue 13): the service loads the carnet_contracts declarations themselves.
    ("POST", "/forms", "body", forms.FormCreate),
    ("PATCH", "/forms/{form_id}", "body", forms.FormUpdate),
    ("GET", "/forms/{form_id}/submissions", "query", forms.SubmissionQuery),
    ("GET", "/forms/{form_id}/stats", "query", forms.StatsQuery),
    ("GET", "/campaigns", "query", campaigns.CampaignQuery),
    ("POST", "/campaigns", "body", campaigns.CampaignCreate),
    ("PATCH", "/campaigns/{campaign_id}", "body", campaigns.CampaignUpdate),
    ("POST", "/campaigns/{campaign_id}/send", "body", campaigns.CampaignVersion),
    ("POST", "/contacts/{contact_id}/emails", "body", campaigns.SingleEmailCreate),
    ("GET", "/sent-emails", "query", campaigns.SentEmailQuery),
    ("POST", "/campaigns/audience", "body", audience.CountersQuery),
    ("POST", "/contacts/{contact_id}/consents", "body", audience.ParsedConsentCreate),
    ("GET", "/suppressions", "query", audience.SuppressionQuery),
    ("POST", "/suppressions", "body", audience.SuppressionCreate),
    ("GET", "/campaigns/{campaign_id}/recipients", "query", engagement.RecipientQuery),
    ("GET", "/contacts/{contact_id}/emails", "query", engagement.ContactEmailQuery),
    ("POST", "/email-templates", "body", templates.TemplateCreate),
    ("PATCH", "/email-templates/{template_id}", "body", templates.TemplateUpdate),
    ("POST", "/email-templates/from-campaign/{campaign_id}", "body", templates.TemplateFromCampaign),
    ("GET", "/email-templates/{template_id}/preview", "query", templates.PreviewQuery),
    ("POST", "/email-templates/file-links", "body", templates.FileLinkCreate),
    ("POST", "/sending-domains", "body", sending_domains.DomainCreate),
    ("POST", "/organizations", "body", identity_rpc.OrganizationCreate),
    ("PATCH", "/organization", "body", identity_rpc.OrganizationUpdate),
    ("GET", "/users", "query", identity_rpc.ListQuery),
    ("POST", "/users", "body", identity_rpc.UserCreate),
    ("PATCH", "/users/{user_id}", "body", identity_rpc.UserUpdate),
    ("POST", "/roles", "body", identity_rpc.RoleCreate),
    ("PATCH", "/roles/{role_id}", "body", identity_rpc.RoleUpdate),
    ("PUT", "/roles/{role_id}/permissions", "body", identity_rpc.PermissionsSet),
    ("POST", "/auth/login/totp", "body", identity_rpc.LoginSecondFactor),
    ("POST", "/me/totp", "body", identity_rpc.PasswordConfirmation),
    ("POST", "/me/totp/confirm", "body", identity_rpc.TotpCode),
    ("POST", "/me/totp/recovery-codes", "body", identity_rpc.PasswordConfirmation),
    ("POST", "/me/totp/disable", "body", identity_rpc.PasswordConfirmation),
    ("POST", "/users/{user_id}/totp/reset", "body", identity_rpc.PasswordConfirmation),
    ("GET", "/audit", "query", identity_rpc.ListQuery),
    ("POST", "/lists", "body", lists.ListCreate),
    ("PATCH", "/lists/{list_id}", "body", lists.ListUpdate),
    ("PUT", "/lists/{list_id}/grants", "body", lists.Grants),
    ("PUT", "/me/selected-lists", "body", lists.SelectedLists),
    ("GET", "/contacts", "query", records.SearchQuery),
    ("GET", "/accounts", "query", records.SearchQuery),
    ("GET", "/accounts/{account_id}/contacts", "query", records.SearchQuery),
    ("POST", "/contacts", "body", records.ContactCreate),
    ("PATCH", "/contacts/{contact_id}", "body", records.ContactUpdate),
    ("POST", "/accounts", "body", records.AccountCreate),
    ("PATCH", "/accounts/{account_id}", "body", records.AccountUpdate),
    ("POST", "/accounts/{account_id}/contacts", "body", records.AccountContactCreate),
    ("PUT", "/contacts/{contact_id}/lists", "body", records.ListIds),
    ("PUT", "/accounts/{account_id}/lists", "body", records.ListIds),
    ("GET", "/contacts/export.xlsx", "query", records.SearchQuery),
    ("GET", "/accounts/export.xlsx", "query", records.SearchQuery),
    ("DELETE", "/contacts/{contact_id}", "query", lifecycle.DeleteOptions),
    ("DELETE", "/accounts/{account_id}", "query", lifecycle.DeleteAccountOptions),
    ("GET", "/trash", "query", lifecycle.TrashQuery),
    ("POST", "/contacts/{contact_id}/relations", "body", lifecycle.RelationCreate),
    ("POST", "/contacts/{contact_id}/move", "body", lifecycle.ContactMove),
    ("POST", "/contacts/bulk", "body", lifecycle.BulkAction),
    ("POST", "/accounts/bulk", "body", lifecycle.AccountBulkAction),
    ("POST", "/custom-fields/{module}", "body", CustomizationRpc.create_contract),
    ("PATCH", "/custom-fields/{module}/{key}", "body", CustomizationRpc.update_contract),
    ("POST", "/custom-fields/opportunities", "body", OpportunitiesEntrypoints.create_contract),
    ("PATCH", "/custom-fields/opportunities/{key}", "body", OpportunitiesEntrypoints.update_contract),
    ("POST", "/filters/{module}", "body", contact_customization.FilterCreate),
    ("PATCH", "/filters/{module}/{filter_id}", "body", contact_customization.FilterUpdate),
    ("PUT", "/layouts/{module}", "body", contact_customization.LayoutPut),
    ("PATCH", "/stages/{stage_id}", "body", opportunities.StageUpdate),
    ("POST", "/stages/{stage_id}/substages", "body", opportunities.SubstageCreate),
    ("PATCH", "/substages/{substage_id}", "body", opportunities.SubstageUpdate),
    ("GET", "/opportunities", "query", opportunities.OpportunityQuery),
    ("POST", "/opportunities", "body", opportunities.OpportunityCreate),
    ("PATCH", "/opportunities/{opportunity_id}", "body", opportunities.OpportunityUpdate),
    ("GET", "/opportunities/export.xlsx", "query", opportunities.OpportunityQuery),
    ("GET", "/tasks", "query", tasks.TaskQuery),
    ("GET", "/tasks/board", "query", tasks.TaskQuery),
    ("POST", "/tasks", "body", tasks.TaskCreate),
    ("PATCH", "/tasks/{task_id}", "body", tasks.TaskUpdate),
    ("POST", "/tasks/{task_id}/invite", "body", tasks.InvitationCreate),
    ("GET", "/dashboard", "query", dashboard.DashboardQuery),
    # Issue 12's data tools, all served by the contacts service.
    ("POST", "/imports/{import_id}/dry-run", "body", imports.ImportOptions),
    ("POST", "/imports/{import_id}/run", "body", imports.ImportOptions),
    ("GET", "/contacts/duplicates", "query", duplicates.QueueQuery),
    ("GET", "/accounts/duplicates", "query", duplicates.QueueQuery),
    ("POST", "/contacts/duplicates/check", "body", duplicate_candidates["contact"]),
    ("POST", "/accounts/duplicates/check", "body", duplicate_candidates["account"]),
    ("POST", "/contacts/duplicates/dismiss", "body", duplicates.PairBody),
    ("POST", "/accounts/duplicates/dismiss", "body", duplicates.PairBody),
    ("GET", "/merges/preview", "query", merges.MergePreviewQuery),
    ("POST", "/merges", "body", merges.MergeCreate),
    ("GET", "/merges", "query", merges.MergeQuery),
    ("POST", "/contacts/{contact_id}/enrichment/apply", "body", enrichment.EnrichmentApply),
    ("GET", "/documents", "query", documents.DocumentQuery),
    ("PATCH", "/documents/{document_id}", "body", documents.DocumentUpdate),
    ("POST", "/documents/{document_id}/attachments", "body", documents.AttachmentCreate),
    ("POST", "/document-folders", "body", documents.FolderCreate),
    ("PATCH", "/document-folders/{folder_id}", "body", documents.FolderUpdate),
    ("POST", "/automations", "body", automations.AutomationCreate),
    ("PATCH", "/automations/{automation_id}", "body", automations.AutomationUpdate),
]
# Fields a route redeclares for its documentation only (same rules): the board's page size is per column.
DOCUMENTED_AGAIN = {("GET", "/tasks/board"): {"per_page"},
                    # S-3: what field permissions make of q (schemas/contacts.py), said on the gateway's copy
                    **dict.fromkeys([("GET", "/contacts"), ("GET", "/accounts"),
                                     ("GET", "/accounts/{account_id}/contacts")], {"q"}),
                    # Issue 12: what the document states of rules it can (tests/api_fuzz): a mapping's columns and
                    # fields, two different records, a merge's sources, the enrichable fields, DOC-4's names.
                    **dict.fromkeys([("POST", "/imports/{import_id}/dry-run"), ("POST", "/imports/{import_id}/run")],
                                    {"mapping"}),
                    ("GET", "/merges/preview"): {"loser_id"},
                    ("POST", "/merges"): {"loser_id", "choices"},
                    ("POST", "/contacts/{contact_id}/enrichment/apply"): {"fields_"},
                    ("PATCH", "/documents/{document_id}"): {"name"}}


def _route_contract(method, path, part):
    found = [op for op in api.operations if (op.method, op.path) == (method, path)]
    assert len(found) == 1, f"{method} {path}: {len(found)} routes"
    return getattr(found[0], part)


def _shared(gateway, service):
    """The ``carnet_contracts`` declaration both sides are built on: the closest class of the gateway's contract
    that the service's contract is, or derives from."""
    for cls in gateway.__mro__:
        if cls.__module__.startswith("carnet_contracts.") and issubclass(service, cls) and cls._declared_fields:
            return cls
    return None


def _rules(field):
    return (type(field), field.required, field.allow_none, field.load_default, field.data_key, field.attribute,
            [repr(v) for v in field.validators])


def declared_twice(gateway, service, documented_again=()):
    """What the two contracts declare each for itself instead of sharing it (empty when they share all)."""
    shared = _shared(gateway, service)
    if shared is None:
        return [f"{gateway.__name__} and {service.__name__} share no carnet_contracts declaration"]
    problems = []
    for name, field in shared._declared_fields.items():
        if name in documented_again:
            if _rules(gateway._declared_fields[name]) != _rules(field):
                problems.append(f"{gateway.__name__}.{name} changes the rules")
            continue
        problems += [f"{side.__name__}.{name} is declared again" for side in (gateway, service)
                     if side._declared_fields[name] is not field]
    return problems


@pytest.mark.parametrize("method, path, part, service", ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_the_route_and_the_service_load_one_declaration(method, path, part, service):
    gateway = _route_contract(method, path, part)
    assert declared_twice(gateway, service, DOCUMENTED_AGAIN.get((method, path), ())) == []


def test_every_route_that_loads_a_body_or_a_query_is_listed():
    """A new route forwarding a body or a query comes with its receiving contract here; the login is the only
    body the gateway keeps (identity takes the username and password as arguments)."""
    loading = {(op.method, op.path) for op in api.operations if op.body is not None or op.query is not None}
    assert loading - {(m, p) for m, p, _, _ in ROUTES} == {("POST", "/auth/login")}


def test_a_copy_or_a_field_declared_again_is_caught():
    """Guard against a check that cannot fail: the same rules declared a second time are reported."""
    copy = type("RoleWrite", (Contract,), {"name": text(required=True, max_length=100)})
    again = type("RoleCreate", (identity.RoleWrite,), {"name": text(required=True, max_length=100)})
    assert declared_twice(identity.RoleWrite, copy) == [
        "RoleWrite and RoleWrite share no carnet_contracts declaration"]
    assert declared_twice(identity.RoleWrite, again) == ["RoleCreate.name is declared again"]
    wider = type("TaskBoardQuery", (tasks.TaskQuery,), {"per_page": fields.Integer(load_default=50)})
    assert declared_twice(wider, tasks.TaskQuery, documented_again={"per_page"}) == [
        "TaskBoardQuery.per_page changes the rules"]


def test_identity_has_limits_for_exactly_the_plans_of_the_contracts():
    assert identity.PLANS == tuple(plans.PLANS)
