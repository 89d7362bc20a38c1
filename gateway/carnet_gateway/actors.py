"""The one place that builds the ``actor`` a service receives: the caller as the gateway verified it
(docs/conventions.md: pass the caller explicitly to every org-scoped RPC).

Each service validates its actor with a marshmallow ``Actor`` contract that refuses unknown keys, so a shape
carries exactly what its receiver declares:

- every shape: ``org_id``, ``user_id``, ``is_admin``, ``request_id`` (identity's ``Actor``);
- ``visibility``: the caller's ``flags`` and ``subordinate_ids`` from the principal (S-4, S-5; refreshed at
  the next request after an identity change), so contacts never calls identity;
- ``lists``: the caller's active list ids (L-2, ``scope.py``), for the services that inherit contacts'
  visibility from their read model (opportunities, tasks);
- ``timezone``: the organization's (N-6: tasks show times in it; contacts read dates of criteria as its days and
  write exports in it);
- ``language``: the caller's (stage labels, export headers, invitations).
"""
from dataclasses import dataclass

from flask import g

from carnet_gateway import problems, scope

DEFAULT_TIMEZONE = "America/Toronto"


@dataclass(frozen=True)
class Shape:
    visibility: bool = False
    lists: bool = False
    timezone: bool = False
    language: bool = False

    def __post_init__(self):
        if self.lists and not self.visibility:
            raise ValueError("the active lists are asked of contacts with a visibility actor")

    def of(self, principal):
        actor = {"org_id": principal["organization"]["id"], "user_id": principal["user"]["id"],
                 "is_admin": principal["is_admin"], "request_id": g.get("request_id")}
        if self.visibility:
            actor.update(flags=principal.get("flags") or {}, subordinate_ids=principal.get("subordinate_ids") or [])
        if self.lists:
            actor["list_ids"] = scope.active_list_ids(principal, CONTACTS.of(principal))
        if self.timezone:
            actor["timezone"] = (principal.get("organization") or {}).get("timezone") or DEFAULT_TIMEZONE
        if self.language:
            actor["language"] = problems.language()
        return actor


# Named after the contract that receives them.
IDENTITY = Shape()
CONTACTS = Shape(visibility=True, timezone=True)
OPPORTUNITIES = Shape(visibility=True, lists=True, language=True)
TASKS = Shape(visibility=True, lists=True, timezone=True, language=True)
# Campaigns read contacts through their own read model, with the visibility of tasks (E-4: a campaign never reaches a
# contact its sender could not GET).
CAMPAIGNS = Shape(visibility=True, lists=True, timezone=True, language=True)
# Forms (F-1): the builder's caller; what a submission shows is filtered at the gateway by the field permissions.
FORMS = Shape(timezone=True, language=True)
# The job RPCs of every service (``carnet_common.jobs.JobRpc``): whose job it is; what it may see was fixed when it
# was queued and is checked again when it runs.
JOBS = Shape(visibility=True)
