"""Sending one e-mail through the installation's SMTP relay (task invitations T-3, form confirmations F-4), and what
a failure means.

A failure is classified by what the relay can have done with the message:
- ``TemporaryFailure``: nothing was accepted (connection refused, a 4xx reply before or at end of DATA):
  safe to retry later;
- ``PermanentFailure``: the relay refused it for good (5xx): retrying cannot help;
- ``UncertainFailure``: the connection broke after the message was handed over and before the reply:
  the relay may have queued it, so a caller sending at most once never retries it.

A service holds one ``SmtpMailer`` (the ``Mailer`` provider, configured when it starts); its sending use cases
receive it, so their decisions are tested with a fake one. Building a message is each service's own (opportunities:
``tasks/mailer.build_message``, an invitation with its .ics).
"""
import smtplib
from dataclasses import dataclass

from nameko.extensions import DependencyProvider

from carnet_common import config


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, cfg):
        return cls(host=str(cfg.get("SMTP_HOST") or "127.0.0.1"), port=int(cfg.get("SMTP_PORT") or 25),
                   sender=str(cfg.get("SMTP_FROM") or "carnet@localhost"),
                   timeout=config.env_int("SMTP_TIMEOUT_SECONDS", 10))


class DeliveryError(Exception):
    pass


class TemporaryFailure(DeliveryError):
    pass


class PermanentFailure(DeliveryError):
    pass


class UncertainFailure(DeliveryError):
    pass


class SmtpMailer:
    """Sends through the relay of ``settings``, from its ``sender``."""

    def __init__(self, settings):
        self.settings = settings
        self.sender = settings.sender

    def send(self, message):
        send(self.settings, message)


class Mailer(DependencyProvider):
    """The ``SmtpMailer`` of the service's configuration (``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_FROM``)."""

    def setup(self):
        self.mailer = SmtpMailer(SmtpSettings.from_config(self.container.config))

    def get_dependency(self, worker_ctx):
        return self.mailer


def send(settings, message):
    """Hand ``message`` to the relay; raises one of the ``DeliveryError`` kinds.

    The steps of ``sendmail`` are taken one by one so that only a break during DATA counts as uncertain.
    """
    in_data = False
    smtp = None
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(settings.sender)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, settings.sender)
        code, reply = smtp.rcpt(message["To"].addresses[0].addr_spec)
        if code not in (250, 251):
            raise smtplib.SMTPResponseException(code, reply)
        in_data = True  # from here a broken connection may hide an accepted message
        code, reply = smtp.data(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
        in_data = False
        if code != 250:
            raise smtplib.SMTPResponseException(code, reply)
    except smtplib.SMTPResponseException as exc:
        kind = TemporaryFailure if 400 <= exc.smtp_code < 500 else PermanentFailure
        raise kind(f"{exc.smtp_code} {exc.smtp_error!r}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise (UncertainFailure if in_data else TemporaryFailure)(repr(exc)) from None
    finally:
        _close(smtp)


def _close(smtp):
    """QUIT politely; once the message is accepted, nothing the relay says afterwards can undo it."""
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
