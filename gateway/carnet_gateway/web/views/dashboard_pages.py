"""The dashboard (D-1): the pipeline of open opportunities by stage, won and lost in the period, and the activities
(tasks created, by type), for a period and a user as ``GET /api/v1/dashboard`` takes them.

The figures are the API's answer for the session's user: a figure its role may not read (S-3: amounts without
``opportunities.total``, the pipeline without ``stage_id``, activities without ``tasks.type``) is absent there and so
here; a user limited to their own records (S-4) gets their own, as the API decides. Charts are inline SVG drawn on
the server from those numbers (bars with their text, ``role="img"`` with a title), each with a table of the same
figures for screen readers and for reading exact amounts. The bars' lengths are geometry only: every amount shown
is the API's decimal string through ``money``.
"""
from decimal import Decimal, InvalidOperation

from flask import render_template, request

from carnet_common.errors import Forbidden, InvalidInput
from carnet_contracts.tasks import TYPES
from carnet_gateway.web import blueprint, calls, forms, i18n, session

# Chart geometry (SVG user units): a label column, the bars, the value text after each bar.
LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH, ROW_HEIGHT, BAR_HEIGHT, TOP = 170, 330, 200, 30, 20, 6


def _amount(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError):
        return Decimal(0)


def chart(rows, *, measure):
    """Bars for ``rows`` (``label``, ``value`` as a number, ``text`` as shown): each bar's geometry, scaled to the
    largest value (a zero draws no bar, its text still shows)."""
    largest = max((row["value"] for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        width = float(Decimal(BAR_WIDTH) * Decimal(row["value"]) / Decimal(largest)) if row["value"] else 0.0
        y = TOP + index * ROW_HEIGHT
        bars.append({**row, "x": LABEL_WIDTH, "y": y, "width": round(width, 1), "height": BAR_HEIGHT,
                     "text_y": y + BAR_HEIGHT - 5, "value_x": LABEL_WIDTH + round(width, 1) + 6})
    return {"bars": bars, "width": LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH,
            "height": TOP * 2 + ROW_HEIGHT * max(len(rows), 1), "label_x": LABEL_WIDTH - 8, "measure": measure}


def _pipeline_chart(pipeline):
    amounts = all("total" in row for row in pipeline)
    rows = []
    for row in pipeline:
        parts = [i18n.t("dashboard.bar_count", count=i18n.number(row["count"]))]
        if "total" in row:
            parts.append(i18n.money(row["total"]))
        rows.append({"key": row["stage_id"], "label": row["label"],
                     "value": _amount(row["total"]) if amounts else row["count"], "text": " · ".join(parts),
                     "count": row["count"], "total": row.get("total")})
    return chart(rows, measure="total" if amounts else "count")


def _activities_chart(activities):
    order = [key for key in TYPES if key in activities] + [key for key in activities if key not in TYPES]
    rows = [{"key": key, "label": i18n.t(f"dashboard.activity.{key}") if key in TYPES else key,
             "value": activities[key], "text": i18n.number(activities[key]), "count": activities[key]}
            for key in order]
    return chart(rows, measure="count")


def _users():
    try:
        page = calls.run("GET", "/users", query={"active": "true", "per_page": "200"})
    except Forbidden:
        return []
    return [(user["id"], user.get("full_name") or user.get("username")) for user in page["items"]]


@blueprint.get("/dashboard")
@session.login_required
def dashboard():
    args = {key: request.args.get(key, "").strip() for key in ("from", "to", "user_id")}
    args = {key: value for key, value in args.items() if value}
    errors, message, status = {}, "", 200
    try:
        data = calls.run("GET", "/dashboard", query=args)
    except (InvalidInput, Forbidden) as exc:
        if exc.status == 403 and exc.code != "task_dashboard_user_forbidden":
            raise
        errors, message, status = forms.field_errors(exc), forms.summary(exc), exc.status
        if exc.code == "task_dashboard_user_forbidden":
            errors.setdefault("user_id", [message])
        data = calls.run("GET", "/dashboard")
    principal = session.principal()
    flags = principal.get("flags") or {}
    # The user filter is offered to those the API lets choose someone (administrators, hierarchy users); a user
    # limited to their own records always gets theirs.
    choose_user = (principal.get("is_admin") or flags.get("hierarchy_contacts")) and not flags.get("own_records_only")
    return render_template(
        "dashboard/dashboard.html", data=data, args=args, errors=errors, message=message,
        pipeline=_pipeline_chart(data["pipeline"]) if "pipeline" in data else None,
        activities=_activities_chart(data["activities"]) if "activities" in data else None,
        transactions=data.get("transactions"), users=_users() if choose_user else [],
    ), status
