"""The relay connection of one sender (E-10): smtplib over one connection reused for every message of its batches
(STARTTLS and AUTH when configured), one transaction per recipient (MAIL, RCPT, DATA), and its outcome classified.

An outcome is where the transaction ended and what that means for the recipient:
- ``sent``: 2xx at the end of DATA (the relay has the message; ``text`` is its answer, often a queue id);
- ``temporary``: a 4xx, or no answer before DATA (connection refused, dropped, timed out): not delivered, retry;
- ``permanent``: a 5xx; at RCPT (``phase == "rcpt"``) a hard bounce of that address;
- ``in_doubt``: the connection failed after the message was handed over and before the relay answered: it may or
  may not have it (the sender's policy decides, settings ``CAMPAIGNS_IN_DOUBT``).
"""
import dataclasses
import smtplib
import socket
import ssl


@dataclasses.dataclass(frozen=True)
class Outcome:
    kind: str  # sent | temporary | permanent | in_doubt
    phase: str  # connect | mail | rcpt | data
    code: int = 0
    text: str = ""

    @property
    def error(self):
        return f"{self.phase}: {self.code} {self.text}".strip()


def classify(code, phase, text=""):
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text or "")
    if 200 <= code < 300:
        return Outcome("sent" if phase == "data" else "ok", phase, code, text)  # ok: MAIL/RCPT taken
    if 500 <= code < 600:
        return Outcome("permanent", phase, code, text)
    return Outcome("temporary", phase, code, text)  # 4xx, and anything odd: never lost, retried


class Relay:
    """One connection to the relay, opened on first use and again after a failure."""

    def __init__(self, settings):
        self.settings, self.connection = settings, None

    def _open(self):
        s = self.settings
        connection = smtplib.SMTP(s.smtp_host, s.smtp_port, local_hostname=s.smtp_helo or None,
                                  timeout=s.smtp_timeout)
        try:
            connection.ehlo()
            if s.smtp_tls == "starttls":
                connection.starttls(context=ssl.create_default_context(cafile=s.smtp_ca_file or None))
                connection.ehlo()
            if s.smtp_user:
                connection.login(s.smtp_user, s.smtp_password)
        except BaseException:
            _close(connection)
            raise
        self.connection = connection

    def close(self):
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            _close(self.connection)
            self.connection = None

    def _drop(self):
        if self.connection is not None:
            _close(self.connection)
            self.connection = None

    def send(self, *, sender, recipient, message):
        """One whole transaction (``envelope`` then ``data``); an ``Outcome``."""
        outcome = self.envelope(sender=sender, recipient=recipient)
        return outcome if outcome.kind != "ok" else self.data(message)

    def envelope(self, *, sender, recipient):
        """MAIL and RCPT (connecting first when needed): ``Outcome("ok", "rcpt", …)`` when the relay takes the
        recipient, else the failure (nothing of the message was handed over)."""
        try:
            if self.connection is None:
                self._open()
        except smtplib.SMTPResponseException as exc:
            self._drop()
            return classify(exc.smtp_code if exc.smtp_code >= 400 else 451, "connect", exc.smtp_error)
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            self._drop()
            return Outcome("temporary", "connect", 0, f"{type(exc).__name__}: {exc}")
        connection = self.connection
        code, text = 0, ""
        for phase in ("mail", "rcpt"):
            try:
                # the addresses were checked (compose.check_address: plain ASCII local@domain, no CR/LF): quoted
                # here rather than by smtplib's mail()/rcpt(), whose parseaddr was a tenth of a message's CPU
                code, text = connection.docmd(*(("mail", f"FROM:<{sender}>") if phase == "mail"
                                                else ("rcpt", f"TO:<{recipient}>")))
            except (smtplib.SMTPException, OSError) as exc:
                self._drop()
                return Outcome("temporary", phase, 0, f"{type(exc).__name__}: {exc}")
            if not 200 <= code < 300:
                self._reset(code)
                return classify(code, phase, text)
        return classify(code, "rcpt", text)

    def data(self, message):
        """DATA, the message, the relay's answer: the transaction ``envelope`` began."""
        connection = self.connection
        try:
            code, text = connection.data(message)
        except smtplib.SMTPDataError as exc:  # DATA itself refused (no 354): nothing handed over
            self._reset(exc.smtp_code)
            return classify(exc.smtp_code, "data", exc.smtp_error)
        except (smtplib.SMTPException, OSError, AttributeError) as exc:  # handed over, no answer: it may have it
            self._drop()
            return Outcome("in_doubt", "data", 0, f"{type(exc).__name__}: {exc}")
        if code == 421:
            self._drop()
        return classify(code, "data", text)

    def reset(self):
        """Abandon the transaction ``envelope`` began (RSET)."""
        if self.connection is not None:
            self._reset(250)

    def _reset(self, code):
        if code == 421:  # the relay is closing the connection
            self._drop()
            return
        try:
            self.connection.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()


def _close(connection):
    try:
        connection.close()
    except OSError:
        pass
