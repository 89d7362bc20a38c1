"""The OpenAPI 3.1 document, generated from the operations registered on ``api`` (never by hand)."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from carnet_gateway import idempotency, messages
from carnet_gateway.api import ADMIN, PREFIX, PUBLIC
from carnet_gateway.schemas import Problem


def _schema_name(schema):
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[:-6] if name.endswith("Schema") else name


def build_spec(api, *, version="0.1.0"):
    spec = APISpec(
        title="Carnet CRM API", version=version, openapi_version="3.1.0",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={"description": "JSON over HTTPS under /api/v1. Errors are RFC 9457 problem+json, in French or "
                             "English by Accept-Language."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=Problem)
    for status in sorted(messages.TITLES):
        spec.components.response(f"Problem{status}", {
            "description": messages.TITLES[status][0],
            "content": {"application/problem+json": {"schema": "Problem"}}})
    paths = {}
    for op in api.operations:
        operation = {"summary": op.summary, "tags": list(op.tags), "operationId": op.endpoint}
        if op.needs:
            operation["description"] = _permissions_text(op.needs)
            operation["x-permissions"] = [need.document() for need in op.needs]
        parameters = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                      for name in _path_params(op.path)]
        if op.query is not None:
            parameters.append({"in": "query", "schema": op.query})
        if idempotency.applies(op):
            parameters.append(idempotency.header_parameter())
        if parameters:
            operation["parameters"] = parameters
        if op.body is not None:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": op.body}}}
        if op.auth != PUBLIC:
            operation["security"] = [{"bearer": []}]
        else:
            operation["security"] = []
        responses = {}
        if op.status == 204:
            responses["204"] = {"description": "Done"}
        elif op.response is not None:
            schema = {"type": "array", "items": op.response} if op.many else op.response
            responses[str(op.status)] = {"description": "OK",
                                         "content": {"application/json": {"schema": schema}}}
        else:
            responses[str(op.status)] = {"description": "OK", "content": {"application/json": {}}}
        statuses = set(op.errors) | {503, 504}
        if op.auth != PUBLIC:
            statuses |= {401}
        if op.needs or op.auth == ADMIN:
            statuses |= {403}
        if op.body is not None:
            statuses |= {400, 413, 415, 422}
        if op.query is not None:
            statuses |= {422}
        if idempotency.applies(op):
            statuses |= {409, 422}   # the key's request still running; the key used for another request
        for status in sorted(statuses):
            responses[str(status)] = {"$ref": f"#/components/responses/Problem{status}"}
        responses.update({str(status): response for status, response in op.extra_responses.items()})
        operation["responses"] = responses
        paths.setdefault(PREFIX + op.path, {})[op.method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _permissions_text(needs):
    """The permissions in words, for readers of the browsable page (``x-permissions`` has them as data)."""
    stated = [f"{need.module}.{need.action}" + (f" when {need.when.text}" if need.when else "") for need in needs]
    return "Needs the role's permissions: " + "; ".join(stated) + "."


def _path_params(path):
    import re
    return re.findall(r"{(\w+)}", path)
