"""The local DNS server of ``make run``, as scripts/mailsink.py is its mail catcher: sending domains (E-6) can be
verified on a developer's machine and in the README walkthrough. devrun starts it and points the campaigns service at
it (``CAMPAIGNS_DNS_SERVER=127.0.0.1 CAMPAIGNS_DNS_PORT=<port>``) unless ``CAMPAIGNS_DNS_SERVER`` is set.

    python scripts/devdns.py serve [port]                      # alone: 127.0.0.1:8053, records in .run/dns.json
    python scripts/devdns.py set <name> <TXT|CNAME|A> <value>…  # replace a name's records of that type (any time)
    python scripts/devdns.py remove <name> [type]

Records live in a JSON file (``CARNET_DNS_FILE``, default ``.run/dns.json``: ``[[name, type, [values]], …]``) read
again at every query, so ``set`` only edits the file and works while the server runs, from any shell. Answers come
from carnet_testing.dns.Zone (UDP and TCP; TXT values over 255 bytes split into several strings, as DNS hosts publish
DKIM keys). Loopback only: never a resolver for anything else.
"""
import json
import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PORT = 8053
LOCK = threading.Lock()


def records_file():
    run_dir = Path(os.environ.get("CARNET_RUN_DIR") or ROOT / ".run")
    return Path(os.environ.get("CARNET_DNS_FILE") or run_dir / "dns.json")


def load(path):
    try:
        return {(name, rtype): values for name, rtype, values in json.loads(Path(path).read_text())}
    except (OSError, ValueError):
        return {}


def save(path, records):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with LOCK:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps([[n, t, v] for (n, t), v in sorted(records.items())], indent=1))
        tmp.replace(path)


def publish(path, name, rtype, *values):
    from carnet_testing.dns import fqdn

    records = load(path)
    records[(fqdn(name), rtype.upper())] = list(values)
    save(path, records)


class Server:
    """The running server (UDP and TCP threads); ``stop()`` ends them."""

    def __init__(self, servers, port, path):
        self.servers, self.port, self.path = servers, port, path

    def stop(self):
        for server in self.servers:
            server.stop()


def start(path=None, port=DEFAULT_PORT):
    """Serve the records of ``path`` on 127.0.0.1:``port`` (0: a free port) in background threads."""
    from dnslib.server import DNSLogger, DNSServer

    from carnet_testing.dns import Zone

    path = Path(path or records_file())

    class FileZone(Zone):
        def resolve(self, request, handler):
            with self.lock:
                self.records = load(path)
            return super().resolve(request, handler)

    if not port:
        from carnet_testing.processes import free_port
        port = free_port()
    logger = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", False)
    servers = [DNSServer(FileZone(), address="127.0.0.1", port=port, logger=logger, tcp=tcp) for tcp in (False, True)]
    for server in servers:
        server.start_thread()
    return Server(servers, port, path)


def main(argv):
    command, args = (argv[0], argv[1:]) if argv else ("serve", [])
    path = records_file()
    if command == "serve":
        server = start(path, int(args[0]) if args else DEFAULT_PORT)
        print(f"DNS on 127.0.0.1:{server.port} (UDP and TCP), records in {path}; Ctrl-C stops", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            server.stop()
    elif command == "set" and len(args) >= 3:
        publish(path, args[0], args[1], *args[2:])
    elif command == "remove" and args:
        from carnet_testing.dns import fqdn

        records = load(path)
        save(path, {k: v for k, v in records.items()
                    if not (k[0] == fqdn(args[0]) and (len(args) < 2 or k[1] == args[1].upper()))})
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
