"""What a submission applied to a contact carries on (F-3, F-4, E-11), as pure functions: the consent it gave, the
follow-up task it asks for, whether a double opt-in confirmation is sent, the confirmation's token and message.

Consent (the design's rule, E-11 / CASL s. 10): the consent box ticked on a form without double opt-in is express;
with double opt-in the submission is an inquiry, implied (6 months) until the link in the confirmation is followed
(then express: ``forms.consent_confirmed``); a form without the box, or a box left unticked, is an inquiry too. The
proof is what was shown: the form and its version, the page, the box's text in the language shown, when, from where.

The confirmation is sent only when the form asks for double opt-in and the visitor asked to hear from us (the box
ticked, or a form without one): an unticked box is a refusal, never answered by a mail asking to subscribe.
"""
import time as _time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from carnet_contracts.campaign_links import BadToken, seal, unseal

LANGUAGES = ("fr", "en")
TASK_ZONE = ZoneInfo("America/Toronto")  # a task's day: the installation's default time zone (as task reads use)
CONFIRM_KIND = "form_confirm"
CONFIRM_DAYS = 7  # a confirmation link works for a week (F-4)
MAX_TOKEN_LENGTH = 1_000


def language_of(submission):
    """The language the visitor used (fr or en): the submission's, else its meta's, else French."""
    for value in (submission.get("language"), (submission.get("meta") or {}).get("language")):
        if isinstance(value, str) and value[:2].lower() in LANGUAGES:
            return value[:2].lower()
    return "fr"


def consent_ticked(value):
    """Whether the submission's stored ``consent`` says the box was ticked: ``True``, or a mapping whose ``checked``
    (as intake stores it: ``{checked, text, language}``; ``given``, ``ticked``) is true. Anything else is not."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dict):
        return any(value.get(key) is True for key in ("given", "ticked", "checked", "value"))
    return False


def _text(texts, language):
    if not isinstance(texts, dict):
        return ""
    return texts.get(language) or next((texts[k] for k in LANGUAGES if texts.get(k)), "") or ""


def _iso(moment):
    return moment.isoformat() if isinstance(moment, datetime) else moment


def consent_of(definition, submission):
    """The consent a submission gave, as ``forms.submission_applied`` carries it: ``{kind, source, form_id, version,
    page_url, text, at, ip}``; ``kind`` express (box ticked, no double opt-in) or implied (an inquiry)."""
    box = definition.get("consent") or {}
    language = language_of(submission)
    ticked = bool(box.get("enabled")) and consent_ticked(submission.get("consent"))
    meta = submission.get("meta") or {}
    kind = "express" if ticked and not definition.get("double_opt_in") else "implied"
    stored = submission.get("consent")
    shown = stored.get("text") if isinstance(stored, dict) and isinstance(stored.get("text"), str) else None
    text = (shown if shown is not None else _text(box.get("text"), language)) if box.get("enabled") else ""
    return {"kind": kind, "source": "form", "form_id": submission["form_id"], "version": submission["version"],
            "page_url": meta.get("page_url"), "text": text, "at": _iso(submission["received_at"]),
            "ip": meta.get("ip")}


def wants_confirmation(definition, submission):
    """Double opt-in (F-4): a confirmation is sent when the form asks for it and the visitor did not refuse."""
    if not definition.get("double_opt_in"):
        return False
    box = definition.get("consent") or {}
    return not box.get("enabled") or consent_ticked(submission.get("consent"))


def task_of(definition, submission):
    """The follow-up task (``{rep_user_id, title, due_on}``) the form asks for, or None: its title in the
    submission's language, due ``due_in_days`` after the day it was received (in ``TASK_ZONE``)."""
    task = definition.get("task") or {}
    if not task.get("enabled") or not task.get("rep_user_id"):
        return None
    received = submission["received_at"]
    day = received.astimezone(TASK_ZONE).date() if isinstance(received, datetime) else date.today()
    days = task.get("due_in_days") if isinstance(task.get("due_in_days"), int) else 0
    return {"rep_user_id": task["rep_user_id"], "title": _text(task.get("title"), language_of(submission)),
            "due_on": (day + timedelta(days=max(0, days))).isoformat()}


# The confirmation link -----------------------------------------------------------------------------------------

def confirmation_token(submission_id, *, key, now=None):
    """The token of ``PUBLIC_BASE_URL/f/confirm/<token>``: the submission, signed (``FORMS_SIGNING_SECRET``), good
    for ``CONFIRM_DAYS`` days."""
    expires = int((now if now is not None else _time.time()) + CONFIRM_DAYS * 86_400)
    return seal(CONFIRM_KIND, {"s": submission_id, "x": expires}, key=key)


def read_confirmation(token, *, key, now=None):
    """``(submission_id, reason)``: reason None for a good token, ``invalid`` (not ours, changed) or ``expired``."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None, "invalid"
    try:
        data = unseal(CONFIRM_KIND, token, key=key)
    except BadToken:
        return None, "invalid"
    submission_id, expires = data.get("s"), data.get("x")
    if not isinstance(submission_id, str) or not isinstance(expires, int) or isinstance(expires, bool):
        return None, "invalid"
    if expires < (now if now is not None else _time.time()):
        return submission_id, "expired"
    return submission_id, None


MESSAGES = {
    "fr": {"subject": "Confirmez votre inscription",
           "body": ("Bonjour,\n\nVous avez rempli le formulaire « {title} ». Pour confirmer que vous voulez recevoir "
                    "nos messages, suivez ce lien (valide 7 jours) :\n\n{link}\n\nSi vous n'avez rien demandé, "
                    "ignorez ce message : vous ne recevrez rien de plus.\n")},
    "en": {"subject": "Confirm your subscription",
           "body": ("Hello,\n\nYou filled in the form \"{title}\". To confirm that you want to receive our messages, "
                    "follow this link (valid for 7 days):\n\n{link}\n\nIf you did not ask for anything, ignore this "
                    "message: you will receive nothing more.\n")},
}


def confirmation_text(*, language, title, link):
    """``(subject, body)`` of the confirmation in ``language`` (fr or en)."""
    message = MESSAGES[language if language in MESSAGES else "fr"]
    return message["subject"], message["body"].format(title=title or "", link=link)
