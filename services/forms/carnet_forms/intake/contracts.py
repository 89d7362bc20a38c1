"""What the public RPCs take beside the values (the gateway's ``meta``: where and how a submission came). The
admin queries are ``carnet_contracts.forms``' (the gateway's contracts, loaded again here).

A visitor's browser writes most of ``meta`` (user agent, page URL, referer): such text is cut to a bound and
cleaned of what PostgreSQL cannot store, never refused — a submission is not lost for a long user agent (F-5)."""
from marshmallow import fields, validate

from carnet_common.contracts import UNSTORABLE, Contract, StrictBoolean
from carnet_forms.intake.tables import CHANNELS


class Clipped(fields.String):
    """A string cut to ``limit`` characters, NUL and lone surrogates removed; null when absent."""

    def __init__(self, limit, **kwargs):
        super().__init__(allow_none=True, load_default=None, **kwargs)
        self.limit = limit

    def _deserialize(self, value, attr, data, **kwargs):
        return UNSTORABLE.sub("", super()._deserialize(value, attr, data, **kwargs))[:self.limit]


class SubmissionMeta(Contract):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    render_token = Clipped(2000)
    origin = Clipped(300)
    referer = Clipped(2000)
    page_url = Clipped(2000)
    ip = Clipped(64)
    user_agent = Clipped(1000)
    language = Clipped(64)
    origin_allowed = StrictBoolean(allow_none=True, load_default=None)
    captcha_token = Clipped(8000)
