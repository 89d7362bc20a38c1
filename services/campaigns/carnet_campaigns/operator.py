"""The installation's operator commands for campaigns (E-6): approving the sending domains organizations added.

    python -m carnet_campaigns.operator list-domains --pending
    python -m carnet_campaigns.operator approve-domain <domain>
    python -m carnet_campaigns.operator refuse-domain <domain> --reason "<why, shown to the organization>"

An organization's administrator adds a domain and publishes its records; an administrator of the installation (not of
the organization) approves it before any campaign is sent from it. The commands go through the running campaigns
service (RPCs ``list_pending_domains``, ``approve_domain``, ``refuse_domain``, which take no actor and which the
gateway never exposes), where the message bus is reachable: ``kubectl exec deploy/campaigns -- python -m
carnet_campaigns.operator …``. Output: JSON, one line per domain; exit 1 on a refusal (unknown domain…).
"""
import argparse
import json
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from carnet_common import config
from carnet_common.errors import CarnetError

RPC_TIMEOUT_SECONDS = 30
SHOWN = ("domain", "org_id", "verified", "approval", "created_at", "refusal_reason")


def main(argv=None, *, proxy_factory=None, out=None):
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m carnet_campaigns.operator",
                                     description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list-domains", help="the sending domains waiting for approval")
    listing.add_argument("--pending", action="store_true", help="only those waiting (the only listing there is)")
    approve = commands.add_parser("approve-domain", help="approve a sending domain")
    approve.add_argument("domain")
    refuse = commands.add_parser("refuse-domain", help="refuse a sending domain, with the reason shown to its "
                                                       "organization")
    refuse.add_argument("domain")
    refuse.add_argument("--reason", required=True)
    args = parser.parse_args(argv)
    factory = proxy_factory or (lambda: ClusterRpcProxy({"AMQP_URI": config.amqp_uri(), "serializer": "json"},
                                                        timeout=RPC_TIMEOUT_SECONDS))
    try:
        with factory() as cluster:
            if args.command == "list-domains":
                rows = cluster.campaigns.list_pending_domains()
            elif args.command == "approve-domain":
                rows = [cluster.campaigns.approve_domain(args.domain)]
            else:
                rows = [cluster.campaigns.refuse_domain(args.domain, args.reason)]
    except CarnetError as exc:
        print(f"refused: {exc.code} {json.dumps(exc.errors or exc.params, ensure_ascii=False)}", file=sys.stderr)
        return 1
    for row in rows:
        print(json.dumps({key: row.get(key) for key in SHOWN}, ensure_ascii=False), file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
