"""The answer of a delete with ``dependents=delete`` (C-10, issue 10 §1), shared by DELETE /contacts/{id},
DELETE /accounts/{id} (``routes/contacts.py``) and the bulk delete (``routes/lifecycle.py``).

Without it a delete answers 204. With it, 200 and what it did: the opportunities and tasks deleted with the records,
those the caller sees that stayed, each with why (``read_only``: from an accounting system, O-7), and where the
others go, in the caller's language. What the caller cannot see is neither deleted nor listed nor counted.
"""
from flask import Response, json

from carnet_gateway import messages, problems
from carnet_gateway.schemas import lifecycle as s

# DELETE /contacts/{id} and /accounts/{id}: 204, or 200 with what dependents=delete did
DELETE_RESPONSES = {200: {"description": "With `dependents=delete`: what went with the record, and what the caller "
                                         "sees that stayed, with why",
                          "content": {"application/json": {"schema": s.DeleteResult}}}}


def told(outcome, kind):
    """What ``dependents=delete`` did (``outcome`` as the contacts service answers it), in the caller's language:
    why each one they see stayed (``detail``), how many, and where the others go (``note``)."""
    language = problems.language()
    left = [{**item, "detail": messages.render(f"dependents_left_{item['reason']}", language)}
            for item in outcome["left"]]
    return {**outcome, "left": left, "left_total": len(left),
            "note": messages.render(f"dependents_left_{kind}", language)}


def deleted(call, record, result):
    """The answer of DELETE /contacts/{id} or /accounts/{id} (``record``, a ``records.Record``): None (204), or
    with ``dependents=delete`` 200 and what it did (``DeleteResult``)."""
    if call.query.get("dependents") != "delete":
        return None
    body = {"record_type": record.kind, "id": call.path[record.id_param],
            "dependents": told(result["dependents"], record.kind)}
    return Response(json.dumps(s.DeleteResult().dump(body), ensure_ascii=False), status=200,
                    mimetype="application/json")
