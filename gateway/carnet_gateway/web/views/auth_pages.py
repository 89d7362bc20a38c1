"""Sign-up, login (with the second factor of S-10), logout, the language switch and the home page."""
from flask import abort, g, redirect, render_template, request, url_for

from carnet_common.errors import CarnetError, InvalidInput, Unauthorized
from carnet_contracts.permissions import may
from carnet_gateway.web import blueprint, calls, forms, i18n, session
from carnet_gateway.web.pages import flash


@blueprint.get("/")
@session.login_required
def home():
    principal = session.principal()
    if may(principal, "dashboard", "read"):
        return redirect("/app/dashboard", 303)
    return redirect("/app/contacts", 303)


@blueprint.get("/login")
def login():
    if session.principal() is not None:
        return redirect(session.safe_next(request.args.get("next")), 303)
    return render_template("auth/login.html", next=request.args.get("next", ""), errors={}, message="")


@blueprint.post("/login")
def login_post():
    username, target = forms.text("username"), request.form.get("next", "")
    try:
        answer = calls.run("POST", "/auth/login", body={"username": username,
                                                         "password": request.form.get("password", "")})
    except (InvalidInput, Unauthorized) as exc:
        return render_template("auth/login.html", next=target, username=username,
                               errors=forms.field_errors(exc), message=forms.summary(exc)), exc.status
    return _signed_in(answer, target)


@blueprint.post("/login/second-factor")
def login_second_factor():
    target, challenge = request.form.get("next", ""), request.form.get("challenge", "")
    try:
        answer = calls.run("POST", "/auth/login/totp", body={"challenge": challenge, "code": forms.text("code")})
    except CarnetError as exc:
        errors, message = forms.shown(exc, (401, 422))
        return render_template("auth/second_factor.html", next=target, challenge=challenge,
                               enrolment=None, errors=errors, message=message), exc.status
    return _signed_in(answer, target)


def _signed_in(answer, target):
    if answer.get("second_factor"):
        return render_template("auth/second_factor.html", next=target, challenge=answer["challenge"],
                               enrolment=answer.get("totp"), errors={}, message="")
    destination = session.safe_next(target)
    if answer.get("recovery_codes"):
        response = blueprint_response(render_template("auth/recovery_codes.html", codes=answer["recovery_codes"],
                                                      next=destination))
    else:
        response = redirect(destination, 303)
    return session.remember(response, answer["token"])


def blueprint_response(body):
    from flask import make_response
    return make_response(body)


@blueprint.post("/logout")
def logout():
    if session.principal() is not None:
        try:
            calls.run("POST", "/auth/logout")
        except Unauthorized:
            pass
    g.web_token = None
    flash("auth.logged_out")
    return session.forget(redirect(url_for("web.login"), 303))


@blueprint.get("/signup")
def signup():
    return render_template("auth/signup.html", values={}, errors={}, message="")


SIGNUP_FIELDS = ("name", "admin.full_name", "admin.email", "admin.username", "admin.password")


@blueprint.post("/signup")
def signup_post():
    values = {name: (request.form.get(name, "") if name.endswith("password") else forms.text(name))
              for name in SIGNUP_FIELDS}
    body = {"name": values["name"], "language": i18n.language(),
            "admin": {key.split(".", 1)[1]: value for key, value in values.items() if key.startswith("admin.")}}
    body["admin"]["language"] = i18n.language()
    try:
        calls.run("POST", "/organizations", body=body)
        answer = calls.run("POST", "/auth/login", body={"username": values["admin.username"],
                                                         "password": values["admin.password"]})
    except CarnetError as exc:
        errors, message = forms.shown(exc, (403, 409, 422, 429))
        values.pop("admin.password")
        return render_template("auth/signup.html", values=values, errors=errors, message=message), exc.status
    flash("auth.welcome")
    return _signed_in(answer, "/app/")


@blueprint.post("/language")
def set_language():
    chosen = request.form.get("language")
    if chosen not in i18n.LANGS:
        abort(422)
    principal = session.principal()
    if principal is not None:
        calls.run("PATCH", "/users/{user_id}", user_id=principal["user"]["id"], body={"language": chosen})
    target = request.form.get("next", "")
    target = target if target.startswith("/app/") and not target.startswith("//") else url_for("web.home")
    response = redirect(target, 303)
    response.set_cookie(i18n.LANG_COOKIE, chosen, path=session.COOKIE_PATH, secure=True, httponly=True,
                        samesite="Lax", max_age=365 * 86400)
    return response


@blueprint.route("/<path:rest>")
def not_found(rest):
    abort(404)
