"""A real SMTP server for tests (aiosmtpd on a free loopback port): services send mail to it as to any relay, and
the test reads what it received, or has it refuse the next messages (a 4xx or 5xx at RCPT or at the end of DATA)."""
import contextlib
import threading
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from carnet_testing.processes import free_port


class SmtpRelay:
    """Accepts every message, unless told to answer the next ones at RCPT (``rcpt_answers``) or at the end of DATA
    (``data_answers``) with a code such as ``"451 try later"``; ``messages`` are what it accepted, parsed, and
    ``raw`` the same as ``(monotonic time of arrival, envelope recipients, bytes)`` (a DKIM signature is checked on
    the bytes sent, never on a re-serialised parse)."""

    def __init__(self):
        self.messages, self.raw, self.lock = [], [], threading.Lock()
        self.rcpt_answers, self.data_answers, self.refused = [], [], 0
        self.port = None

    def _next(self, answers):
        with self.lock:
            if answers:
                self.refused += 1
                return answers.pop(0)
        return None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self._next(self.rcpt_answers)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        answer = self._next(self.data_answers)
        if answer:
            return answer
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.raw.append((time.monotonic(), tuple(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def received(self, predicate=lambda message: True):
        """The accepted messages ``predicate`` selects, oldest first."""
        with self.lock:
            return [message for message in self.messages if predicate(message)]

    def raw_to(self, address):
        """The bytes of the accepted messages whose envelope named ``address`` (case-insensitive), oldest first."""
        with self.lock:
            return [content for _, rcpt_tos, content in self.raw
                    if address.lower() in (rcpt.lower() for rcpt in rcpt_tos)]

    def to(self, address):
        """The accepted messages addressed to ``address``."""
        return self.received(lambda message: any(a.addr_spec == address for a in message["To"].addresses))


@contextlib.contextmanager
def smtp_relay():
    """A running ``SmtpRelay`` on ``127.0.0.1:<relay.port>``; stopped on exit."""
    relay = SmtpRelay()
    controller = Controller(relay, hostname="127.0.0.1", port=free_port())
    controller.start()
    relay.port = controller.port
    try:
        yield relay
    finally:
        controller.stop()
