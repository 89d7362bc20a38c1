"""The DNS records a sending domain publishes (E-6) and their check through a configurable resolver.

Settings (environment, read when used):
- ``CAMPAIGNS_SPF_INCLUDE`` (default ``_spf.carnet.test``): the SPF ``include:`` the domain's ``v=spf1`` TXT holds;
- ``CAMPAIGNS_TRACKING_LABEL`` (``e1``) and ``CAMPAIGNS_TRACKING_HOST`` (``track.carnet.test``): the tracking CNAME
  ``<label>.<domain>`` → host;
- ``CAMPAIGNS_DNS_SERVER`` / ``CAMPAIGNS_DNS_PORT``: the resolver to ask (tests: their dnslib server); unset, the
  system's. Each query gives up after ``LIFETIME`` seconds.

Each record's result is ``{"state": ok|missing|wrong|dns_error, "reason": <message key>, "found": <text or None>}``;
the reasons are plain sentences in French and English (gateway catalogs/sending_domains.py). DKIM keys longer than
255 bytes come as several strings of one TXT record: they are joined before the tags are read."""
import os
import time

import dns.exception
import dns.resolver

LIFETIME = 3.0  # seconds per query
# seconds for the three queries together: a DNS that does not answer gives three dns_error within the gateway's RPC
# timeout (RPC_TIMEOUT_SECONDS, 10 s), not a 504
BUDGET = 7.0
FOUND_MAX = 600  # characters of what was found kept in the result
RECORDS = ("spf", "dkim", "tracking")


def spf_include():
    return (os.environ.get("CAMPAIGNS_SPF_INCLUDE") or "_spf.carnet.test").strip().rstrip(".").lower()


def tracking_label():
    return (os.environ.get("CAMPAIGNS_TRACKING_LABEL") or "e1").strip().strip(".").lower()


def tracking_host():
    return (os.environ.get("CAMPAIGNS_TRACKING_HOST") or "track.carnet.test").strip().rstrip(".").lower()


def resolver():
    """dnspython's resolver: ``CAMPAIGNS_DNS_SERVER`` (and ``CAMPAIGNS_DNS_PORT``) when set, else the system's."""
    server = os.environ.get("CAMPAIGNS_DNS_SERVER")
    if server:
        found = dns.resolver.Resolver(configure=False)
        found.nameservers = [s.strip() for s in server.split(",") if s.strip()]
        if os.environ.get("CAMPAIGNS_DNS_PORT"):
            found.port = int(os.environ["CAMPAIGNS_DNS_PORT"])
    else:
        found = dns.resolver.Resolver()
    found.lifetime = found.timeout = LIFETIME
    return found


def dkim_name(selector, domain):
    return f"{selector}._domainkey.{domain}"


def dkim_value(public_key):
    return f"v=DKIM1; k=rsa; p={public_key}"


def records(*, domain, selector, public_key):
    """The three records to publish: ``[{"record", "type", "name", "value"}]``."""
    return [
        {"record": "spf", "type": "TXT", "name": domain, "value": f"v=spf1 include:{spf_include()} ~all"},
        {"record": "dkim", "type": "TXT", "name": dkim_name(selector, domain), "value": dkim_value(public_key)},
        {"record": "tracking", "type": "CNAME", "name": f"{tracking_label()}.{domain}", "value": tracking_host()},
    ]


def _result(state, reason, found=None):
    if found is not None and len(found) > FOUND_MAX:
        found = found[:FOUND_MAX] + "…"
    return {"state": state, "reason": reason, "found": found}


def _lifetime(deadline):
    if deadline is None:
        return LIFETIME
    return max(0.2, min(LIFETIME, deadline - time.monotonic()))


def _txt(res, name, deadline=None):
    """The TXT records of ``name``, each its strings joined (None when the name or the type does not exist)."""
    try:
        answer = res.resolve(name, "TXT", lifetime=_lifetime(deadline))
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return None
    return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]


def dkim_tags(text):
    """The tags of a DKIM record (``{"v": "DKIM1", "k": "rsa", "p": "…"}``); whitespace inside values dropped."""
    tags = {}
    for part in text.split(";"):
        if "=" in part:
            name, value = part.split("=", 1)
            tags[name.strip().lower()] = "".join(value.split())
    return tags


def check_spf(res, domain, deadline=None):
    found = _txt(res, domain, deadline)
    spf = [text for text in found or () if text.strip().lower().startswith("v=spf1")]
    if not spf:
        return _result("missing", "spf_missing", "\n".join(found) if found else None)
    if len(spf) > 1:
        return _result("wrong", "spf_several", "\n".join(spf))
    wanted = spf_include()
    terms = [term.lower().lstrip("+") for term in spf[0].split()]
    if f"include:{wanted}" not in terms:
        return _result("wrong", "spf_without_include", spf[0])
    return _result("ok", "spf_ok", spf[0])


def check_dkim(res, domain, selector, public_key, deadline=None):
    found = _txt(res, dkim_name(selector, domain), deadline)
    if not found:
        return _result("missing", "dkim_missing")
    keys = [dkim_tags(text) for text in found]
    if any(tags.get("p") == public_key and tags.get("k", "rsa").lower() == "rsa" for tags in keys):
        return _result("ok", "dkim_ok", next(t for t in found if dkim_tags(t).get("p") == public_key))
    return _result("wrong", "dkim_wrong_key", "\n".join(found))


def check_tracking(res, domain, deadline=None):
    name = f"{tracking_label()}.{domain}"
    try:
        answer = res.resolve(name, "CNAME", lifetime=_lifetime(deadline))
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return _result("missing", "tracking_missing")
    targets = [str(r.target).rstrip(".").lower() for r in answer]
    if tracking_host() in targets:
        return _result("ok", "tracking_ok", tracking_host())
    return _result("wrong", "tracking_wrong_target", ", ".join(targets))


def check(*, domain, selector, public_key, res=None):
    """``{"spf": result, "dkim": result, "tracking": result}``; a resolver failure is that record's ``dns_error``."""
    res, deadline = res or resolver(), time.monotonic() + BUDGET
    checks = {"spf": lambda: check_spf(res, domain, deadline),
              "dkim": lambda: check_dkim(res, domain, selector, public_key, deadline),
              "tracking": lambda: check_tracking(res, domain, deadline)}
    results = {}
    for record, run in checks.items():
        try:
            results[record] = run()
        except dns.exception.DNSException as exc:
            results[record] = _result("dns_error", "dns_error", type(exc).__name__)
    return results


def verified(results):
    return bool(results) and all((results.get(record) or {}).get("state") == "ok" for record in RECORDS)
