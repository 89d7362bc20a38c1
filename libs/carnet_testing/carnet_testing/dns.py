"""A real DNS server for tests: dnslib answering from a mutable zone on a free loopback port, over UDP and TCP (a
DKIM key of 2048 bits or more is published as several strings and may not fit in a UDP answer). Services query it
with dnspython's ``Resolver(configure=False)`` pointed at ``127.0.0.1:<zone.port>``, never the system resolver.

    with dns_server() as zone:
        zone.set("acme.test", "TXT", "v=spf1 include:_spf.carnet.test ~all")
        zone.set("carnet1._domainkey.acme.test", "TXT", long_text)   # split into 255-byte strings
        zone.set("e1.acme.test", "CNAME", "track.carnet.test")
        zone.remove("acme.test", "TXT")
"""
import contextlib
import threading

from dnslib import CNAME, QTYPE, RR, TXT, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from carnet_testing.processes import free_port


def fqdn(name):
    return name.rstrip(".").lower() + "."


class Zone(BaseResolver):
    """Records ``{(name., TYPE): [values]}``; unknown names answer NXDOMAIN."""

    def __init__(self):
        self.records, self.lock, self.port = {}, threading.Lock(), None

    def set(self, name, rtype, *values):
        """Replace the ``rtype`` records of ``name`` with ``values`` (TXT values longer than 255 bytes are split)."""
        with self.lock:
            self.records[(fqdn(name), rtype.upper())] = list(values)

    def add(self, name, rtype, value):
        with self.lock:
            self.records.setdefault((fqdn(name), rtype.upper()), []).append(value)

    def remove(self, name, rtype=None):
        with self.lock:
            for key in [k for k in self.records if k[0] == fqdn(name) and rtype in (None, k[1])]:
                del self.records[key]

    def resolve(self, request, handler):
        reply = request.reply()
        qname, qtype = str(request.q.qname).lower(), QTYPE[request.q.qtype]
        with self.lock:
            known = any(key[0] == qname for key in self.records)
            values = list(self.records.get((qname, qtype), ()))
            cname = list(self.records.get((qname, "CNAME"), ())) if qtype != "CNAME" else []
        for value in values or cname:
            rtype = qtype if values else "CNAME"
            if rtype == "TXT":
                raw = value.encode()
                rdata = TXT([raw[i:i + 255] for i in range(0, len(raw), 255)] or [b""])
            elif rtype == "CNAME":
                rdata = CNAME(fqdn(value))
            elif rtype == "A":
                rdata = A(value)
            else:
                continue
            reply.add_answer(RR(request.q.qname, QTYPE.reverse[rtype], rdata=rdata, ttl=1))
        if not known:
            reply.header.rcode = 3  # NXDOMAIN
        return reply


@contextlib.contextmanager
def dns_server():
    """A running ``Zone`` served on ``127.0.0.1:<zone.port>`` (UDP and TCP); stopped on exit."""
    zone, logger = Zone(), DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", False)
    zone.port = free_port()
    servers = [DNSServer(zone, address="127.0.0.1", port=zone.port, logger=logger, tcp=tcp) for tcp in (False, True)]
    for server in servers:
        server.start_thread()
    try:
        yield zone
    finally:
        for server in servers:
            server.stop()
