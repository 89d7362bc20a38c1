"""Forms: what a posted form becomes for the API, and the API's 422 back on the form.

- ``text(name)``: the posted text, stripped; "" stays "" (the page decides: left out on create, None to clear on
  update, with ``changed``).
- ``changed(before, after)``: only the fields the user changed, so an edit never writes a field it did not show
  (a field the role may not write stays out, as the API would refuse it).
- ``shown(exc, statuses)``: a refusal the page shows on its form, or re-raised for the error page.
- ``field_errors(exc)``: the problem's per-field messages, in the page's language, keyed as the API names them
  (``email``, ``custom.size``, ``lines.0.quantity``), for the ``field`` macro (``templates/macros.html``), which
  sets ``aria-invalid`` and ``aria-describedby`` and lists them beside the field; the summary at the top of the
  form is a ``role="alert"`` region, so screen readers announce the failure.
"""
from flask import request

from carnet_gateway import messages
from carnet_gateway.web import i18n


def text(name, default=""):
    value = request.form.get(name, default)
    return value.strip() if isinstance(value, str) else value


def texts(names):
    return {name: text(name) for name in names if name in request.form}


def changed(before, after):
    """Keys of ``after`` whose value differs from ``before`` (empty text and None are the same: nothing)."""
    def norm(value):
        return None if value in ("", None) else value
    return {key: (None if value == "" else value) for key, value in after.items()
            if norm(value) != norm(before.get(key))}


# The API's refusals a form shows on itself (the user can act on them there); any other status (404, 503...) is the
# error page of ``security.py``.
SHOWN = (403, 409, 422)


def shown(exc, statuses=SHOWN):
    """The refusal ``exc`` as the form shows it, ``(field_errors, summary)``; re-raised when its status is not one the
    page shows (``statuses``)."""
    if exc.status not in statuses:
        raise exc
    return field_errors(exc), summary(exc)


def field_errors(exc):
    lang = i18n.language()
    return {field: [messages.render(code, lang, exc.params) for code in codes]
            for field, codes in (exc.errors or {}).items()}


def summary(exc):
    return messages.render(exc.code, i18n.language(), exc.params)
