"""Automations (AU-1), served by the contacts service (carnet_contacts/automations/usecases.py has the design):
copy the contacts of a source list matching C-12 criteria into a target list, on demand (a job, N-4) or on every
contact change.

An automation is its creator's own: anyone else gets 404. Reading needs the ``automations`` read permission;
defining, changing, deleting or running one its write permission and, since a run writes memberships as a bulk copy
does, the ``contacts`` read and write permissions (S-3). The gateway passes the keys the caller may not read, so no
criterion reads a hidden field (403, as in a search); a run has its creator's visibility and authority of now
(checked by the service before every run). ``last_run.error`` is rendered in the caller's language.
"""
from carnet_gateway import actors, messages, problems, services
from carnet_gateway.api import READ_ERRORS, WRITE_ERRORS, api
from carnet_gateway.records import unreadable_keys
from carnet_gateway.routes.exports import job_started
from carnet_gateway.schemas import automations as s

TAGS = ("automations",)
READ = ("automations", "read")
WRITE = [("automations", "write"), ("contacts", "read"), ("contacts", "write")]


def shown(item):
    """The automation with its last run's error code as a sentence in the caller's language."""
    run = item.get("last_run")
    if run and run.get("error"):
        item = {**item, "last_run": {**run, "error": messages.render(run["error"], problems.language())}}
    return item


@api.route("/automations", "GET", permission=READ, response=s.AutomationRead, many=True, tags=TAGS,
           errors=(401, 403), summary="The caller's automations (AU-1), by name, each with its last run")
def list_automations(call):
    return [shown(item) for item in services.contacts.call("list_automations", call.actor(actors.CONTACTS))]


@api.route("/automations", "POST", permission=WRITE, body=s.AutomationCreate, response=s.AutomationRead,
           status=201, tags=TAGS, errors=WRITE_ERRORS,
           summary="Define an automation: a source and a target list the caller may access (else 422 "
                   "`unknown_list` on the field) and C-12 criteria (422 naming the bad path; 403 on a field the "
                   "caller may not read)")
def create_automation(call):
    return shown(services.contacts.call("create_automation", call.actor(actors.CONTACTS), call.body,
                                        unreadable_keys(call.principal)))


@api.route("/automations/{automation_id}", "GET", permission=READ, response=s.AutomationRead, tags=TAGS,
           errors=READ_ERRORS, summary="One of the caller's automations (404 for anyone else's)")
def get_automation(call):
    return shown(services.contacts.call("get_automation", call.actor(actors.CONTACTS), call.path["automation_id"]))


@api.route("/automations/{automation_id}", "PATCH", permission=WRITE, body=s.AutomationUpdate,
           response=s.AutomationRead, tags=TAGS, errors=WRITE_ERRORS,
           summary="Change an automation; it is checked again whole and keeps the caller's authority of now")
def update_automation(call):
    return shown(services.contacts.call("update_automation", call.actor(actors.CONTACTS),
                                        call.path["automation_id"], call.body, unreadable_keys(call.principal)))


@api.route("/automations/{automation_id}", "DELETE", permission=("automations", "write"), status=204, tags=TAGS,
           errors=READ_ERRORS, summary="Delete an automation (the memberships it added stay)")
def delete_automation(call):
    services.contacts.call("delete_automation", call.actor(actors.CONTACTS), call.path["automation_id"])


@api.route("/automations/{automation_id}/runs", "POST", permission=WRITE, response=s.JobStarted, status=202,
           tags=TAGS, errors=(401, 403, 404, 429),
           summary="Run an automation now, as a background job (N-4): poll `GET /jobs/{id}` for its progress; the "
                   "count added is the automation's `last_run.added`. Running it twice adds nothing. 429 past the "
                   "caps on queued jobs (`automation_jobs_per_user`, `automation_jobs_per_org`)")
def run_automation(call):
    return job_started(services.contacts.call("run_automation", call.actor(actors.CONTACTS),
                                              call.path["automation_id"])["job_id"])
