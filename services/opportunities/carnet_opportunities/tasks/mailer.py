"""The invitation e-mail of a task (T-3): its message; sending it, and what a failure means, are the kit's
(``carnet_common.mailer``, shared with the forms service's confirmations), named here for this area's callers."""
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from carnet_common.mailer import (  # noqa: F401 - this area's names for the kit's
    DeliveryError,
    Mailer,
    PermanentFailure,
    SmtpMailer,
    SmtpSettings,
    TemporaryFailure,
    UncertainFailure,
    send,
)


def build_message(*, sender, to_email, to_name, subject, body, ics_bytes, message_id, date, method="REQUEST"):
    """text/plain plus the event as ``text/calendar; method=REQUEST`` (what mail clients offer to accept) or
    ``method=CANCEL`` (what they offer to remove); the parameter must match the .ics METHOD (RFC 6047)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((to_name or "", to_email))
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(date)
    message.set_content(body)
    message.add_attachment(ics_bytes, maintype="text", subtype="calendar", filename="invitation.ics",
                           params={"method": method, "charset": "utf-8"})
    return message
