"""Routes declared once, with their authorization, contracts and documentation side by side.

``@api.route("/users", "POST", auth=ADMIN, body=UserCreate, response=UserRead, status=201)`` registers the
Flask view *and* the OpenAPI operation from the same marshmallow schemas, so the document cannot drift
from what the route accepts. The view receives a ``Call`` with the verified principal, the loaded body,
query and path parameters, and returns data (dumped through ``response``) or a Flask response.

The module permissions a route needs are declared with it (``permission=``: one ``(module, action)`` or
several, some of them conditional ``Need``s) and listed in its OpenAPI operation (``x-permissions``), so the
document states exactly what the server checks. Unconditional ones are checked before the input is read;
conditional ones once the query and body are loaded (their conditions read them), still before the view.

A route takes a JSON body (``body=``, a marshmallow schema) or a multipart upload (``upload=Upload(...)``: one file
part, text parts loaded by a marshmallow schema, the route's size limit). An upload is authorized before a byte of
it is read, then streamed by werkzeug's form parser to a temporary file under the route's limit (413 past it), and
documented from the same declaration (openapi.py ``_upload_body``).
"""
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Response, current_app, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from carnet_common.contracts import UNSTORABLE  # NUL, lone surrogates: refused as input errors (N-1)
from carnet_common.errors import CarnetError, InvalidInput, NotFound, flatten_messages
from carnet_gateway import actors, auth, idempotency

PUBLIC, USER, ADMIN = "public", "user", "admin"
PREFIX = "/api/v1"
BODY_METHODS = {"POST", "PUT", "PATCH"}
# The problem statuses routes declare (``errors=``) beside the ones the registry adds itself.
READ_ERRORS = (401, 403, 404)
INPUT_ERRORS = READ_ERRORS + (422,)
WRITE_ERRORS = READ_ERRORS + (409, 422)
SEARCH_ERRORS = (401, 403, 404, 422)  # 404: a ``filter_id`` that is not one of the caller's saved filters
# Path parameters whose values the server knows in advance (by name; a route's ``path=`` may say otherwise). Any
# other one is a string: an id or a key (at most 64 characters, as ``identifier`` and custom field keys), 404 when
# no such record is visible. Bounded so that the longest request the document allows has a bounded request line
# (gunicorn.conf.py ``limit_request_line``).
PATH_PARAMETERS = {"module": {"type": "string", "enum": ["contacts", "accounts"],
                              "description": "contacts or accounts (opportunities have their own routes)"}}
ID_PARAMETER = {"type": "string", "maxLength": 64}


class MalformedJson(InvalidInput):
    status = 400
    slug = "malformed-json"


class UnsupportedMediaType(CarnetError):
    status = 415
    slug = "unsupported-media-type"


class PayloadTooLarge(CarnetError):
    status = 413
    slug = "payload-too-large"


@dataclass(frozen=True)
class Upload:
    """A ``multipart/form-data`` body: the file part ``file`` and the text parts ``form`` loads (a marshmallow
    schema: 422 naming them; an empty part counts as absent), documented from this declaration.

    ``max_bytes`` is the file's limit (an int, or a function of the app's settings, e.g. ``IMPORT_MAX_BYTES``);
    the request may be ``margin`` bytes longer (the envelope and the text parts), no more: werkzeug's parser stops
    there (413 ``too_large`` with ``limit``), and spools the file to a temporary file as it arrives, so the body is
    never held in memory. ``before(principal)`` refuses a caller before the body is read, beside the route's
    unconditional permissions (a 403 never costs an upload). ``page_fields`` are the web client's own parts
    (its CSRF token...), dropped from a page's form (``/app/``), refused as unknown from an API client.
    The view receives ``call.body``: the loaded text parts, and the ``werkzeug.FileStorage`` under ``file``."""
    max_bytes: object
    form: object = None
    file: str = "file"
    description: str = ""
    margin: int = 64 * 1024
    max_parts: int = 10
    max_form_memory: int = None
    before: Callable = None
    not_multipart: str = "unsupported_media_type"
    too_large: str = "payload_too_large"
    file_missing: str = "file_missing"        # the reason under ``file``
    file_missing_code: str = None             # the problem's code when the file is the only error (None: default)
    page_fields: tuple = ("csrf_token",)

    def limit(self):
        """The file's limit in bytes."""
        return self.max_bytes(current_app.config["CARNET"]) if callable(self.max_bytes) else self.max_bytes

    def content_limit(self):
        """The request body's limit: the file's and the margin (a web page raises its own to it, web/views)."""
        return self.limit() + self.margin

    def read(self, form_schema):
        """The current request's parts, parsed under the limits (the file spooled to disk), then loaded: 415 when
        it is not multipart, 413 past ``content_limit``, 422 naming the missing file or the bad text parts."""
        if request.mimetype != "multipart/form-data":
            raise UnsupportedMediaType(self.not_multipart)
        limit = self.limit()
        request.max_content_length = limit + self.margin
        request.max_form_parts = self.max_parts
        if self.max_form_memory is not None:
            request.max_form_memory_size = self.max_form_memory
        try:
            files, form = request.files, request.form  # parsed once per request (a page's CSRF check may have)
        except RequestEntityTooLarge:
            raise PayloadTooLarge(self.too_large, params={"limit": limit}) from None
        own = self.page_fields if request.path.startswith("/app/") else ()
        parts = {key: value for key, value in form.items() if value != "" and key not in own}
        errors = {}
        upload = files.get(self.file)
        if upload is None or not upload.filename:
            errors[self.file] = [self.file_missing]
        unstorable = [key for key, value in parts.items() if UNSTORABLE.search(key + value)]
        if unstorable:
            errors.update({UNSTORABLE.sub("\ufffd", key): ["invalid_characters"] for key in unstorable})
            raise InvalidInput(errors=errors)
        loaded = {}
        if form_schema is not None:
            try:
                loaded = form_schema.load(parts)  # a text part named as the file part: an unknown field
            except ValidationError as exc:
                errors.update(flatten_messages(exc.messages))
        elif parts:
            errors.update({key: ["Unknown field."] for key in parts})
        if errors:
            code = self.file_missing_code if set(errors) == {self.file} else None
            raise InvalidInput(code, errors=errors) if code else InvalidInput(errors=errors)
        return {**loaded, self.file: upload}


@dataclass(frozen=True)
class When:
    """The condition of a conditional ``Need``: ``text`` is how the document states it; ``test`` decides it
    from the loaded ``Call``. Without ``test`` the condition depends on a record only the route reads (a job's
    kind, a trashed record's type): its view or its service checks the permission, the document states it."""
    text: str
    test: Callable = None

    @classmethod
    def query_flag(cls, name):
        return cls(f"`{name}=true`", lambda call: bool(call.query.get(name)))


@dataclass(frozen=True)
class Need:
    """A module permission a route requires: always, or ``when`` its condition holds."""
    module: str
    action: str
    when: When = None

    def document(self):
        entry = {"module": self.module, "action": self.action}
        if self.when is not None:
            entry["when"] = self.when.text
        return entry


def needs_of(permission):
    """``permission=`` as declared (None, one ``(module, action)`` or ``Need``, or a sequence of them)."""
    if permission is None:
        return ()
    if isinstance(permission, Need) or (isinstance(permission, tuple) and len(permission) == 2
                                        and all(isinstance(part, str) for part in permission)):
        permission = [permission]
    return tuple(need if isinstance(need, Need) else Need(*need) for need in permission)


@dataclass
class Operation:
    path: str
    method: str
    view: object
    auth: str
    summary: str
    tags: tuple
    body: object = None
    query: object = None
    response: object = None
    upload: Upload = None
    status: int = 200
    permission: tuple = None
    errors: tuple = ()
    many: bool = False
    extra_responses: dict = field(default_factory=dict)
    name: str = None
    path_params: dict = field(default_factory=dict)
    # A feature of the organization's plan the route needs (S-7: ``"emails"`` for the campaigns module, E-1),
    # checked before the role's permissions: 403 ``plan_feature`` with the plan to upgrade from.
    feature: str = None
    # Literal segments of other routes that a parameter of this one would also match (``/contacts/bulk`` for
    # ``/contacts/{contact_id}``): set by ``Api.register``; the parameter never takes them (``_segment_converter``):
    # ``/contacts/bulk`` is the bulk route, whose other methods answer 405.
    reserved: dict = field(default_factory=dict)

    def __post_init__(self):
        self.needs = needs_of(self.permission)
        # Built once: instantiating a nested marshmallow schema deep-copies its fields (about 2 ms for
        # ``Me``, most of a request's CPU); load and dump keep no per-call state, so one instance serves all.
        self.body_schema = _instance(self.body)
        self.upload_schema = _instance(self.upload.form) if self.upload is not None else None
        if self.upload is not None and self.body is not None:
            raise ValueError(f"{self.method} {self.path}: a JSON body or an upload, not both")
        self.query_schema = _instance(self.query)
        self.response_schema = _instance(self.response, many=self.many)

    @property
    def endpoint(self):
        """Also the operationId: ``name`` stands for the view's name where one view serves several routes."""
        return f"{self.method.lower()}_{self.view.__module__.rsplit('.', 1)[-1]}_{self.name or self.view.__name__}"

    @property
    def path_names(self):
        return re.findall(r"{(\w+)}", self.path)

    def path_schema(self, name):
        """The JSON Schema of a path parameter, as the document states it."""
        return dict(self.path_params.get(name) or PATH_PARAMETERS.get(name) or ID_PARAMETER)

    @property
    def flask_path(self):
        def converter(match):
            name = match.group(1)
            return f"<{_converter_name(self.reserved[name])}:{name}>" if self.reserved.get(name) else f"<{name}>"
        return PREFIX + re.sub(r"{(\w+)}", converter, self.path)


@dataclass
class Call:
    principal: dict
    body: dict
    query: dict
    path: dict

    def actor(self, shape=actors.IDENTITY):
        """The caller as the service receiving it declares its actor (``actors.py``)."""
        return shape.of(self.principal)


class Api:
    def __init__(self):
        self.operations = []

    def route(self, path, method, *, auth=USER, summary, tags, body=None, query=None, response=None,
              status=200, permission=None, errors=(), many=False, extra_responses=None, name=None, path_params=None,
              upload=None, feature=None):
        """``path_params``: JSON Schemas of path parameters the server knows the values of (``PATH_PARAMETERS``
        holds the common ones). ``upload``: an ``Upload``, the route's multipart body (instead of ``body``)."""
        def decorator(view):
            self.operations.append(Operation(
                path=path, method=method.upper(), view=view, auth=auth, summary=summary, tags=tuple(tags),
                body=body, query=query, response=response, status=status, permission=permission,
                errors=tuple(errors), many=many, extra_responses=extra_responses or {}, name=name,
                path_params=dict(path_params or {}), upload=upload, feature=feature))
            return view
        return decorator

    def reserve_literal_segments(self):
        """A parameter never takes the literal segment another route has at its place (``bulk`` is not a contact
        id), so a path has exactly the methods the document gives it: ``Allow`` and 405 included."""
        split = [(op, op.path.strip("/").split("/")) for op in self.operations]
        for op, parts in split:
            op.reserved = {}
            for index, part in enumerate(parts):
                name = re.fullmatch(r"{(\w+)}", part)
                if not name:
                    continue
                literals = {other_parts[index] for _, other_parts in split
                            if len(other_parts) == len(parts) and other_parts[:index] == parts[:index]
                            and not other_parts[index].startswith("{")}
                if literals:
                    op.reserved[name.group(1)] = frozenset(literals)

    def register(self, app):
        self.reserve_literal_segments()
        for operation in self.operations:
            for literals in operation.reserved.values():
                app.url_map.converters[_converter_name(literals)] = _segment_converter(literals)
            app.add_url_rule(operation.flask_path, endpoint=operation.endpoint,
                             view_func=_make_view(operation), methods=[operation.method])


def _converter_name(literals):
    return "not_" + "_".join(re.sub(r"\W", "_", literal) for literal in sorted(literals))


def _segment_converter(literals):
    from werkzeug.routing import BaseConverter

    class Segment(BaseConverter):
        """One path segment, except the literals of sibling routes."""
        regex = "(?!(?:" + "|".join(re.escape(literal) for literal in sorted(literals)) + ")(?:/|$))[^/]+"

    return Segment


def _instance(schema, **kwargs):
    if schema is None:
        return None
    return schema(**kwargs) if isinstance(schema, type) else schema


def _load_body(operation):
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("unsupported_media_type")
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw or b"null")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise MalformedJson("malformed_json") from None
    return load_data(operation, data)


def _unstorable_paths(data):
    """Field paths of the strings (values or keys) holding NUL or a lone surrogate; iterative, as the
    JSON may be nested as deep as the parser allows."""
    found, pending = [], [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if UNSTORABLE.search(value):
                found.append(path or "_schema")
        elif isinstance(value, (dict, list)):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                child = f"{path}.{key}" if path else str(key)
                if UNSTORABLE.search(child):
                    found.append(UNSTORABLE.sub("\ufffd", child))
                else:
                    pending.append((child, item))
    return sorted(found)


def _load_query(operation, args):
    unstorable = [key for key, value in args.items() if UNSTORABLE.search(key + value)]
    if unstorable:
        raise ValidationError({UNSTORABLE.sub("\ufffd", key): ["invalid_characters"] for key in unstorable})
    if operation.query is None:
        if args:
            raise ValidationError({key: ["Unknown field."] for key in args})
        return {}
    return operation.query_schema.load(args)


def prepare(operation, principal, path_params, args, load_body):
    """The ``Call`` of ``operation`` for ``principal``, after every check the route declares: its level (user or
    administrator), its module permissions (unconditional ones before the input is read, conditional ones after),
    its query and body contracts. The one code path of ``/api/v1`` and of the web client's pages (``web/calls.py``):
    a page never decides a rule of its own. ``load_body()`` gives the body as a dict (or raises an input error).
    An upload's body is the current request's multipart form, for the API and a page alike (``Upload.read``), read
    only once the caller passed the checks that need no input (and the upload's ``before``)."""
    if operation.auth != PUBLIC:
        auth.authorize(principal, operation.auth)
        if operation.feature is not None:
            auth.require_feature(principal, operation.feature)
        for need in operation.needs:
            if need.when is None:
                auth.require(principal, need.module, need.action)
        if operation.upload is not None and operation.upload.before is not None:
            operation.upload.before(principal)
    if any(UNSTORABLE.search(value) for value in path_params.values()):
        raise NotFound()  # no record has such an id
    try:
        query = _load_query(operation, args)
        if operation.upload is not None:
            body = operation.upload.read(operation.upload_schema)
        else:
            body = load_body() if operation.body is not None else None
    except ValidationError as exc:
        raise InvalidInput(errors=flatten_messages(exc.messages)) from None
    call = Call(principal=principal, body=body, query=query, path=path_params)
    for need in operation.needs:  # conditions read the loaded query and body
        if need.when is not None and need.when.test is not None and need.when.test(call):
            auth.require(principal, need.module, need.action)
    return call


def load_data(operation, data):
    """A body as data (parsed from JSON, or built by a web page from its form): an object, with nothing unstorable,
    loaded by the route's contract."""
    if not isinstance(data, dict):
        raise InvalidInput("json_object_expected", errors={"_schema": ["json_object_expected"]})
    unstorable = _unstorable_paths(data)
    if unstorable:
        raise InvalidInput(errors={path: ["invalid_characters"] for path in unstorable})
    return operation.body_schema.load(data)


def _make_view(operation):
    def view(**path_params):
        principal = None if operation.auth == PUBLIC else auth.authenticate()
        args = {key: request.args.get(key) for key in request.args}
        call = prepare(operation, principal, path_params, args, lambda: _load_body(operation))
        if operation.body is None and operation.upload is None and operation.method in BODY_METHODS \
                and request.get_data(cache=True):
            raise InvalidInput("json_object_expected", errors={"_schema": ["Unknown field."]})
        return idempotency.answer(operation, call, lambda: _respond(operation, call))
    view.__name__ = operation.endpoint
    return view


def result_of(operation, call):
    """What the route answers for ``call``, as data: its view's result dumped through its response schema."""
    result = operation.view(call)
    if isinstance(result, Response) or operation.status == 204:
        return result
    if operation.response is not None:
        result = operation.response_schema.dump(result)
    return result


def _respond(operation, call):
    """The route's answer: its view's result, dumped through its response schema."""
    result = result_of(operation, call)
    if isinstance(result, Response):
        return result
    if operation.status == 204:
        return Response(status=204)
    return Response(json.dumps(result, ensure_ascii=False), status=operation.status,
                    mimetype="application/json")


api = Api()
