"""RPCs of the intake area (F-2, F-4, F-5): the public side's render and submit, the quarantine and statistics.

``render_form``, ``submit_form`` and ``submit_webhook`` take no actor: the gateway serves them to visitors
(public_forms.py), the form's key naming the form; they count a view or store a submission and nothing else (F-5:
no call to contacts on that path). The admin RPCs take the caller (``FormsActor``) first and see only its
organization's forms."""
from datetime import datetime, timezone

from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contracts import forms as contracts
from carnet_forms.arguments import actor_of
from carnet_forms.intake import usecases
from carnet_forms.intake.contracts import SubmissionMeta
from carnet_forms.intake.published import PublishedForms


def _now():
    return datetime.now(timezone.utc)


class IntakeEntrypoints:
    """Mixed into FormsService (``db``, ``outbox``, ``redis``, ``captcha``)."""

    published = PublishedForms()   # per process: the submit path's current versions (checked again by the insert)

    # The public side ---------------------------------------------------------------------------------------------
    @rpc_method
    def render_form(self, form_key, language=None):
        with self.db.begin():
            return usecases.render(self.db, form_key=form_key, language=language, now=_now(),
                                   site_key=self.captcha.site_key)

    @rpc_method
    def submit_form(self, form_key, values, meta):
        meta = load_or_raise(SubmissionMeta(), meta)
        return usecases.submit(self.db, redis=self.redis, captcha=self.captcha, outbox=self.outbox,
                               form_key=form_key, values=values, meta=meta, now=_now(), published=self.published)

    @rpc_method(read_only=True)
    def form_policy(self, form_key):
        """``{allowed_origins}`` of a published form (the gateway's origin and CORS checks, F-4); counts no view."""
        return usecases.policy(self.db, form_key=form_key)

    @rpc_method
    def submit_webhook(self, form_key, body, signature, timestamp, meta):
        meta = load_or_raise(SubmissionMeta(), {**(meta if isinstance(meta, dict) else {}), "channel": "webhook"})
        return usecases.submit_webhook(self.db, redis=self.redis, captcha=self.captcha, outbox=self.outbox,
                                       form_key=form_key, body=body, signature=signature, timestamp=timestamp,
                                       meta=meta, now=_now())

    # The quarantine (F-4) ----------------------------------------------------------------------------------------
    @rpc_method(read_only=True)
    def list_submissions(self, actor, form_id, query=None):
        actor, query = actor_of(actor), load_or_raise(contracts.SubmissionQuery(), query or {})
        return usecases.list_submissions(self.db, actor=actor, form_id=form_id, query=query)

    @rpc_method(read_only=True)
    def get_submission(self, actor, form_id, submission_id):
        actor = actor_of(actor)
        return usecases.get_submission(self.db, actor=actor, form_id=form_id, submission_id=submission_id)

    @rpc_method
    def release_submission(self, actor, form_id, submission_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.release_submission(self.db, outbox=self.outbox, actor=actor, form_id=form_id,
                                               submission_id=submission_id, now=_now())

    @rpc_method
    def discard_submission(self, actor, form_id, submission_id):
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.discard_submission(self.db, actor=actor, form_id=form_id, submission_id=submission_id,
                                               now=_now())

    @rpc_method(read_only=True)
    def form_stats(self, actor, form_id, query=None):
        actor, query = actor_of(actor), load_or_raise(contracts.StatsQuery(), query or {})
        return usecases.form_stats(self.db, actor=actor, form_id=form_id, query=query, now=_now())
