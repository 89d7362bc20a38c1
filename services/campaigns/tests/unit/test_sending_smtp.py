"""The sender's SMTP connection (smtp.py) against a real aiosmtpd relay on loopback, started here: STARTTLS with the
relay's certificate checked against CAMPAIGNS_SMTP_CA_FILE, AUTH, one connection for several messages, the outcome
of each step (4xx, 5xx at RCPT, 5xx at the end of DATA), a relay that is not there, and RSET after RCPT."""
import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from carnet_campaigns.sending import smtp
from carnet_campaigns.sending.settings import Settings
from carnet_testing import free_port

MESSAGE = b"From: a@acme.test\r\nTo: b@example.test\r\nSubject: s\r\nMessage-ID: <1@acme.test>\r\n\r\nbody\r\n"


class Handler:
    def __init__(self):
        self.messages, self.connections, self.rcpt, self.data = [], set(), [], []

    async def handle_RCPT(self, server, session, envelope, address, options):
        self.connections.add(id(session))
        if self.rcpt:
            return self.rcpt.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data:
            return self.data.pop(0)
        self.messages.append((session.authenticated, session.ssl is not None, envelope.content))
        return "250 2.0.0 queued as ABC123"


def authenticate(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == b"carnet" and auth_data.password == b"s3cret")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def relay(certificate):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True, authenticator=authenticate, auth_require_tls=True)
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def settings(relay, certificate, **changes):
    return Settings(**{"smtp_host": "127.0.0.1", "smtp_port": relay.port, "smtp_tls": "starttls",
                       "smtp_ca_file": str(certificate[0]), "smtp_user": "carnet", "smtp_password": "s3cret",
                       "smtp_timeout": 5, **changes})


def answer(outcome):
    return outcome.kind, outcome.phase, outcome.code


def test_starttls_and_auth_then_one_connection_for_several_messages(relay, certificate):
    connection = smtp.Relay(settings(relay, certificate))
    try:
        for n in range(3):
            outcome = connection.send(sender="a@acme.test", recipient=f"b{n}@example.test", message=MESSAGE)
            assert (outcome.kind, outcome.code) == ("sent", 250) and "ABC123" in outcome.text
    finally:
        connection.close()
    assert [(auth, tls) for auth, tls, _ in relay.messages] == [(True, True)] * 3
    assert len(relay.connections) == 1


def test_a_certificate_from_no_trusted_authority_is_refused(relay, certificate):
    connection = smtp.Relay(settings(relay, certificate, smtp_ca_file=""))  # the system's CAs only
    outcome = connection.send(sender="a@acme.test", recipient="b@example.test", message=MESSAGE)
    assert (outcome.kind, outcome.phase) == ("temporary", "connect") and not relay.messages


def test_each_steps_answer_and_the_connection_goes_on(relay, certificate):
    connection = smtp.Relay(settings(relay, certificate))
    try:
        relay.rcpt.append("451 4.7.1 later")
        assert answer(connection.send(sender="a@acme.test", recipient="b@example.test", message=MESSAGE)) == \
            ("temporary", "rcpt", 451)
        relay.rcpt.append("550 5.1.1 unknown")
        assert answer(connection.send(sender="a@acme.test", recipient="b@example.test", message=MESSAGE)) == \
            ("permanent", "rcpt", 550)
        relay.data.append("554 5.7.1 rejected")
        assert answer(connection.send(sender="a@acme.test", recipient="b@example.test", message=MESSAGE)) == \
            ("permanent", "data", 554)
        assert connection.envelope(sender="a@acme.test", recipient="c@example.test").kind == "ok"
        connection.reset()  # a pause between RCPT and DATA: nothing handed over
        assert connection.send(sender="a@acme.test", recipient="d@example.test", message=MESSAGE).kind == "sent"
    finally:
        connection.close()
    assert len(relay.messages) == 1 and len(relay.connections) == 1


def test_no_relay_is_a_temporary_failure():
    connection = smtp.Relay(Settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_timeout=2))
    outcome = connection.send(sender="a@acme.test", recipient="b@example.test", message=MESSAGE)
    assert (outcome.kind, outcome.phase) == ("temporary", "connect")
