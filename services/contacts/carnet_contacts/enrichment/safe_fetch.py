"""An HTTP GET that cannot be turned against our own network (C-6: SSRF-safe), used by the built-in enrichment
provider to read a company's public home page.

- Only ``http`` and ``https``, on the default ports (``Policy.ports``, setting ``ENRICHMENT_PORTS``).
- The host is resolved ONCE; every address it resolves to must be public (``refusal``: private, loopback,
  link-local, multicast, reserved, unspecified, CGNAT 100.64/10, and the IPv4-mapped, IPv4-compatible, NAT64,
  6to4 and Teredo forms of those); the connection goes to that checked address only, never to a second lookup
  of the name (no DNS rebinding). The name travels in the Host header and in TLS's SNI, and the certificate is
  verified against it.
- At most ``max_redirects`` redirects, each target checked the same way (scheme, port, address).
- One deadline for the whole fetch, redirects included (3 s): a watchdog shuts the socket at the deadline, so a
  server trickling bytes cannot hold a worker longer. At most ``max_bytes`` (1 MB) of body, read without
  compression (``Accept-Encoding: identity``: no decompression bomb).
- Refused attempts are logged with the address and the reason.

Test-only settings (never set in production; ``Policy.from_env``): ``ENRICHMENT_TEST_ALLOW_NETWORKS`` lets
addresses of these networks through (a local web site), and ``ENRICHMENT_TEST_CONNECT_TO`` maps a name to the
``address:port`` to connect to instead of resolving it (as curl's ``--connect-to``): the address is checked as
any other, so a test site on 127.0.0.2 is reached only when 127.0.0.2 is allow-listed too.
"""
import http.client
import ipaddress
import logging
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECTS = {301, 302, 303, 307, 308}
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
USER_AGENT = "CarnetCRM-enrichment/1.0 (+https://carnet.example/enrichment)"


class Refused(Exception):
    """The URL or an address it resolves to may not be fetched (``reason``: a short code)."""

    def __init__(self, reason, *, url, address=None):
        super().__init__(f"{reason}: {url} ({address})")
        self.reason, self.url, self.address = reason, url, address


class Failed(Exception):
    """The fetch was allowed but did not give a page (``reason``: timeout, unreachable, too_large, http_error,
    too_many_redirects, tls)."""

    def __init__(self, reason, *, url):
        super().__init__(f"{reason}: {url}")
        self.reason, self.url = reason, url


@dataclass(frozen=True)
class Page:
    url: str            # after redirects
    status: int
    content_type: str
    body: bytes


def _resolve(host, port):
    """Every address ``host`` resolves to (one lookup)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


@dataclass(frozen=True)
class Policy:
    ports: frozenset = frozenset({80, 443})
    timeout: float = 3.0
    max_bytes: int = 1_000_000
    max_redirects: int = 3
    allowed_networks: tuple = ()   # test-only
    connect_to: dict = field(default_factory=dict)   # test-only: host -> (address, port)
    resolver: object = _resolve
    tls_context: object = None     # default: ssl.create_default_context() (verified)

    @classmethod
    def from_env(cls, env=None):
        env = os.environ if env is None else env
        ports = frozenset(int(p) for p in (env.get("ENRICHMENT_PORTS") or "80,443").split(",") if p.strip())
        networks = tuple(ipaddress.ip_network(n.strip(), strict=False)
                         for n in (env.get("ENRICHMENT_TEST_ALLOW_NETWORKS") or "").split(",") if n.strip())
        connect_to = {}
        for entry in (env.get("ENRICHMENT_TEST_CONNECT_TO") or "").split(","):
            if entry.strip():
                name, target = entry.strip().split("=", 1)
                address, _, port = target.rpartition(":")
                connect_to[name.strip().lower()] = (address.strip("[]"), int(port))
        return cls(ports=ports, timeout=float(env.get("ENRICHMENT_TIMEOUT_SECONDS") or 3.0),
                   max_bytes=int(env.get("ENRICHMENT_MAX_BYTES") or 1_000_000), allowed_networks=networks,
                   connect_to=connect_to)

    def allowed(self, ip):
        return any(ip.version == net.version and ip in net for net in self.allowed_networks)


def _embedded_ipv4(ip):
    """The IPv4 address an IPv6 one stands for (mapped, compatible, NAT64, 6to4, Teredo client), else None."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if any(ip in net for net in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in IPV4_COMPATIBLE and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(address):
    """Why ``address`` (a string or an ``ip_address``) may not be connected to, or None when it is public."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            reason = refusal(embedded)
            if reason:
                return f"ipv6_form_of_{reason}"
    for reason in ("loopback", "unspecified", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{reason}"):
            return reason
    if ip.version == 4 and ip in CGNAT:
        return "shared_cgnat"
    if ip.version == 6 and ip.is_site_local:
        return "site_local"
    if not ip.is_global:
        return "not_global"
    return None


def _target(url, policy):
    """``(scheme, host, port, address, connect_port)`` of ``url``, checked; ``Refused`` otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError as exc:
        raise Refused("bad_url", url=url) from exc
    if parts.scheme not in DEFAULT_PORTS:
        raise Refused("scheme", url=url)
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None:
        raise Refused("bad_url", url=url)
    if port not in policy.ports:
        raise Refused("port", url=url)
    if host in policy.connect_to:
        address, connect_port = policy.connect_to[host]
        addresses = [address]
    else:
        connect_port = port
        try:
            addresses = [str(ipaddress.ip_address(host))]   # a literal address: nothing to resolve
        except ValueError:
            addresses = None
        try:
            addresses = addresses or policy.resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise Failed("unresolved", url=url) from exc
    if not addresses:
        raise Failed("unresolved", url=url)
    # Every address must pass: a name that also points inside is refused whichever one would be chosen.
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        reason = None if policy.allowed(ip) else refusal(ip)
        if reason:
            log.warning("enrichment fetch refused: %s resolves to %s (%s)", url, address, reason,
                        extra={"url": url, "address": address, "reason": reason})
            raise Refused(reason, url=url, address=address)
    return parts.scheme, host, port, addresses[0], connect_port


class _Watchdog:
    """Shuts ``sock`` when the deadline passes, whatever call is blocked on it."""

    def __init__(self, sock, seconds):
        self.fired = False
        self._sock = sock
        self._timer = threading.Timer(max(seconds, 0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self):
        self.fired = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self):
        self._timer.cancel()


def _get_once(url, target, policy, deadline):
    scheme, host, port, address, connect_port = target
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Failed("timeout", url=url)
    try:
        sock = socket.create_connection((address, connect_port), timeout=remaining)
    except TimeoutError as exc:
        raise Failed("timeout", url=url) from exc
    except OSError as exc:
        raise Failed("unreachable", url=url) from exc
    watchdog = _Watchdog(sock, deadline - time.monotonic())
    try:
        if scheme == "https":
            context = policy.tls_context or ssl.create_default_context()
            try:
                sock = context.wrap_socket(sock, server_hostname=host)
            except ssl.SSLError as exc:
                raise Failed("tls", url=url) from exc
            conn = http.client.HTTPSConnection(host, port, timeout=remaining, context=context)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=remaining)
        conn.sock = sock   # already connected to the checked address: http.client never resolves the name
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                                           "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
        response = conn.getresponse()
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > policy.max_bytes:
            raise Failed("too_large", url=url)
        body = b""
        while True:
            chunk = response.read(64 * 1024)
            if not chunk:
                break
            body += chunk
            if len(body) > policy.max_bytes:
                raise Failed("too_large", url=url)
        if watchdog.fired:   # a shut socket reads as the end of the body: it was cut, not complete
            raise Failed("timeout", url=url)
        return response.status, response.getheader("Location"), response.getheader("Content-Type") or "", body
    except Failed:
        raise
    except (TimeoutError, socket.timeout) as exc:
        raise Failed("timeout", url=url) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise Failed("timeout" if watchdog.fired else "unreachable", url=url) from exc
    finally:
        watchdog.cancel()
        if watchdog.fired:
            log.info("enrichment fetch stopped at its deadline: %s", url)
        sock.close()


def deadline_of(policy):
    return time.monotonic() + policy.timeout


def fetch(url, *, policy, deadline=None):
    """The page at ``url`` after at most ``policy.max_redirects`` redirects, each checked; ``Refused`` when the URL
    or a redirect's target may not be fetched, ``Failed`` when it could not be read in time or size. ``deadline``
    (``time.monotonic()``): shared by several fetches of one lookup; ``policy.timeout`` from now by default."""
    deadline = deadline if deadline is not None else deadline_of(policy)
    for _ in range(policy.max_redirects + 1):
        target = _target(url, policy)
        status, location, content_type, body = _get_once(url, target, policy, deadline)
        if status in REDIRECTS and location:
            url = urljoin(url, location.strip())
            continue
        if status >= 400:
            raise Failed("http_error", url=url)
        return Page(url=url, status=status, content_type=content_type, body=body)
    raise Failed("too_many_redirects", url=url)
