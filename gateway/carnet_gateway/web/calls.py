"""How a page reads and writes: it runs the ``/api/v1`` operation of the same method and path, for the session's
principal, through ``api.prepare`` and ``api.result_of`` -- the route's level, module permissions, contracts, view
(field permissions, list access, scoping) and response schema. A page holds no second copy of a rule, and shows no
more than the same user's API call would (issue 11 "one permission code path").

    calls.run("GET", "/contacts/{contact_id}", contact_id=cid)
    calls.run("GET", "/contacts", query={"q": "p:514", "page": "2"})
    calls.run("PATCH", "/contacts/{contact_id}", contact_id=cid, body={"first_name": "Ana", "version": 3})

Errors are the API's (``CarnetError``: 403 naming the permission, 404, 409, 422 with per-field errors); the page
turns them into HTML (``errors.py``, ``forms.py``).
"""
from flask import Response

from carnet_gateway import api as api_module
from carnet_gateway.api import api
from carnet_gateway.web import session

_BY_ROUTE = {}


def operation(method, path):
    if not _BY_ROUTE:
        _BY_ROUTE.update({(op.method, op.path): op for op in api.operations})
    return _BY_ROUTE[(method.upper(), path)]


def run(method, path, *, query=None, body=None, principal=None, **path_params):
    """The operation's answer as data (None for a 204), or the Response the route built itself (a file, a job's
    202). ``query`` values are strings, as in a URL."""
    op = operation(method, path)
    who = principal if principal is not None else session.principal()
    args = {key: str(value) for key, value in (query or {}).items() if value is not None}
    call = api_module.prepare(op, who, {k: str(v) for k, v in path_params.items()}, args,
                              lambda: api_module.load_data(op, body if body is not None else {}))
    result = api_module.result_of(op, call)
    if op.status == 204:
        # A delete with ``dependents=delete`` answers 200 with what it did instead of its usual 204.
        return result.get_json() if isinstance(result, Response) and result.is_json else None
    return result  # data, or a Response the route built (a file, an export's 202 with its job)
