"""The OpenAPI 3.1 document, generated from the operations registered on ``api`` (never by hand).

It states what the server accepts and answers, no more and no less (docs/rules/http-api.md; checked by
schemathesis with every check, tests/api_fuzz): the formats and bounds its fields enforce (``_field_rules``),
the rules across fields its contracts enforce (``schemas.rules``), and every status a route answers.
"""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import fields, validate

from carnet_common.contracts import TrimmedString
from carnet_contracts.values import (
    DATE_PATTERN,
    DATE_TIME_PATTERN,
    MAX_INTEGER_DIGITS,
    AwareDateTimeText,
    DateText,
    DecimalText,
)
from carnet_gateway import idempotency, messages
from carnet_gateway.api import ADMIN, PREFIX, PUBLIC
from carnet_gateway.schemas import Problem, rules

# What ``str.strip()`` removes (``str.isspace``): the white space of a trimmed text, spelled out, as ``\\s`` is not the
# same set in Python, ECMA-262 and Rust regular expressions.
WHITE_SPACE = (r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000")
# A trimmed text that must not be empty holds a character other than white space.
NOT_BLANK = f"[^{WHITE_SPACE}]"


def _schema_name(schema):
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[:-6] if name.endswith("Schema") else name


def _field_rules(self, field, ret=None, **kwargs):
    """apispec attribute function: what the server's own field classes enforce."""
    extra = {}
    if isinstance(field, DecimalText):
        extra.update(_decimal(field))
    elif isinstance(field, DateText):
        extra.update(format="date", pattern=DATE_PATTERN)
    elif isinstance(field, AwareDateTimeText):
        extra.update(format="date-time", pattern=DATE_TIME_PATTERN)
    elif isinstance(field, TrimmedString) and any(
            isinstance(v, validate.Length) and (v.min or 0) >= 1 for v in field.validators):
        extra["pattern"] = NOT_BLANK  # its minimum holds once trimmed; its maximum counts the text as sent
    elif isinstance(field, fields.Url):
        extra["format"] = "uri"
        extra["pattern"] = _url_pattern(field)
    if isinstance(field, fields.Dict) and field.key_field is not None:
        names = self.field2property(field.key_field)
        names.pop("type", None)
        if names:
            extra["propertyNames"] = names
    if field.metadata.get("refused"):
        return {"not": {}}
    return extra


def _decimal(field):
    """What ``parse_decimal`` reads: a decimal string of at most 40 characters, at most 12 integer digits besides
    leading zeros, at most ``places`` decimals besides trailing zeros; or a JSON integer below 10^12."""
    return {"type": ["string", "integer"], "minimum": 0, "maximum": 10 ** MAX_INTEGER_DIGITS - 1, "maxLength": 40,
            "pattern": rf"^0*[0-9]{{1,{MAX_INTEGER_DIGITS}}}(?:\.[0-9]{{0,{field.places}}}0*)?$",  # \d: any digit
            "description": f"A decimal string (`\"43.98\"`), at most {field.places} decimals, under 10^12, or a "
                           "JSON integer (N-6). Also read: white space around it, a leading `+` or `.`, `-0`."}


def _url_pattern(field):
    """What ``fields.Url`` takes, in the words of a JSON Schema pattern: an absolute URL of its schemes whose host
    has a dot (``require_tld``), no white space."""
    url = next(v for v in field.validators if isinstance(v, validate.URL))
    schemes = "|".join(sorted(url.schemes))
    label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    return rf"^(?:{schemes})://{label}(?:\.{label})*\.[A-Za-z]{{2,63}}(?::[1-9]\d{{0,3}})?(?:/[^\s]*)?$"


def build_spec(api, *, version="0.1.0"):
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(
        title="Carnet CRM API", version=version, openapi_version="3.1.0", plugins=[plugin],
        info={"description": "JSON over HTTPS under /api/v1. Errors are RFC 9457 problem+json, in French or "
                             "English by Accept-Language. No string may hold NUL or a lone surrogate (422). "
                             "Every route answers 422 to a query parameter it does not take and 429 with "
                             "Retry-After past the per-user request limit (S-10). Texts are trimmed; a maximum "
                             "length counts the text as sent. An id or a field key in a body or a query must name "
                             "a record or a field of the organization that the caller can see: else a 422 naming "
                             "it. A valid request that the stored state refuses (a private list made public, a "
                             "contact related to itself, a 71st custom field…) is a 409 naming the field. A "
                             "request line (method, path and query, percent-encoded) longer than 262,144 bytes is "
                             "a 414, a header longer than 8,190 bytes a 431: the HTTP server answers them before "
                             "reading the request, in English and French."})
    plugin.converter.add_attribute_function(_field_rules)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=Problem)
    for status in sorted(messages.TITLES):
        spec.components.response(f"Problem{status}", {
            "description": messages.TITLES[status][0],
            **({"headers": RETRY_AFTER} if status in RETRYABLE else {}),
            "content": {"application/problem+json": {"schema": "Problem"}}})
    paths = {}
    for op in api.operations:
        operation = {"summary": op.summary, "tags": list(op.tags), "operationId": op.endpoint}
        if op.needs:
            operation["description"] = _permissions_text(op.needs)
            operation["x-permissions"] = [need.document() for need in op.needs]
        if op.feature:
            operation["x-plan-feature"] = op.feature
            operation["description"] = (operation.get("description", "") + "\n\nNeeds a plan with the "
                                        f"`{op.feature}` feature (S-7); otherwise 403 `plan_feature`.").strip()
        parameters = [{"in": "path", "name": name, "required": True, "schema": op.path_schema(name)}
                      for name in op.path_names]
        if op.query is not None:
            parameters.append({"in": "query", "schema": op.query})
        if idempotency.applies(op):
            parameters.append(idempotency.header_parameter())
        if parameters:
            operation["parameters"] = parameters
        if op.body is not None:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": op.body}}}
        elif op.upload is not None:
            operation["requestBody"] = _upload_body(op, plugin.converter)
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
        # What any route may answer: 414/431 for a request line/header longer than the HTTP server reads
        # (gunicorn.conf.py; none the document allows), 422 for a query parameter it does not take (or a body it
        # takes none of), 429 past the per-user limit, 503/504 while a service is down or slow; then by what the
        # route has.
        statuses = set(op.errors) | {414, 422, 429, 431, 503, 504}
        if op.auth != PUBLIC:
            statuses |= {401}
        if op.needs or op.auth == ADMIN or op.feature:
            statuses |= {403}
        if op.path_names:
            statuses |= {404}
        if op.reserved:
            statuses |= {405}  # a value that is another route's literal segment: that route's path
        if op.body is not None:
            statuses |= {400, 413, 415}
        if op.upload is not None:
            statuses |= {413, 415, 422}  # past its limit, not multipart, the file missing or a bad text part
        if idempotency.applies(op):
            statuses |= {409, 422}   # the key's request still running; the key used for another request
        for status in sorted(statuses):
            responses[str(status)] = {"$ref": f"#/components/responses/Problem{status}"}
        responses.update({str(status): response for status, response in op.extra_responses.items()})
        operation["responses"] = responses
        paths.setdefault(PREFIX + op.path, {})[op.method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    rules.apply(document["components"]["schemas"], plugin.converter.refs)
    return document


def _upload_body(op, converter):
    """The multipart body an ``Upload`` declares (api.py): its file part (binary, required, its limit stated) and
    the text parts its form schema loads, each a string (a multipart part is text; an empty one counts as absent).
    The form is stated inline, not as a component: it is no JSON object any other operation takes."""
    upload = op.upload
    schema = {"type": "object", "properties": {}, "required": [upload.file]}
    if upload.form is not None:
        schema = converter.schema2jsonschema(op.upload_schema)
        schema.setdefault("properties", {})
        schema["required"] = [upload.file] + [name for name in schema.get("required", []) if name != upload.file]
    for part in schema["properties"].values():
        if isinstance(part.get("type"), list):  # ``allow_none``: a part is absent, never null
            part["type"] = next(kind for kind in part["type"] if kind != "null")
        if part.get("default", 0) is None:
            del part["default"]
        if part.get("minLength") == 1:  # an empty part is taken, as absent
            del part["minLength"]
        elif part.get("minLength"):
            part["anyOf"] = [{"maxLength": 0}, {"minLength": part.pop("minLength")}]
    limit = upload.max_bytes if isinstance(upload.max_bytes, int) else None
    described = upload.description or "The file."
    if limit is not None:
        described += f" At most {limit:,} bytes (413 past it)."
    schema["properties"] = {upload.file: {"type": "string", "format": "binary", "description": described},
                            **schema["properties"]}
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before sending the request again",
                               "schema": {"type": "integer"}}}
# The problems that carry it (``problems.from_carnet_error``): throttled, a dependency down or slow (503, 504), and a
# 409 for a request whose ``Idempotency-Key`` is still running.
RETRYABLE = (409, 429, 503, 504)


def _permissions_text(needs):
    """The permissions in words, for readers of the browsable page (``x-permissions`` has them as data)."""
    stated = [f"{need.module}.{need.action}" + (f" when {need.when.text}" if need.when else "") for need in needs]
    return "Needs the role's permissions: " + "; ".join(stated) + "."
