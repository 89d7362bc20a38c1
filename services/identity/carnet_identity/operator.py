"""Operators' commands (S-7): what no client of the API may do, run where the message bus is reachable.

    python -m carnet_identity.operator set-plan <organization id> <plan>

Plans are what an organization pays for, so the API never lets a client choose one above the default; the
operator (or, later, a billing system calling the same ``identity.set_plan`` RPC) does. The command goes through
the running identity service, so the seat check, the organization's events and the authorization generation are
those of every other change. In Kubernetes: ``kubectl exec deploy/identity -- python -m carnet_identity.operator
set-plan …``.
"""
import argparse
import json
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from carnet_common import config
from carnet_common.errors import CarnetError

RPC_TIMEOUT_SECONDS = 30


def main(argv=None, *, proxy_factory=None):
    parser = argparse.ArgumentParser(prog="python -m carnet_identity.operator", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    set_plan = commands.add_parser("set-plan", help="move an organization to a plan (S-7)")
    set_plan.add_argument("org_id")
    set_plan.add_argument("plan")
    args = parser.parse_args(argv)
    factory = proxy_factory or (lambda: ClusterRpcProxy({"AMQP_URI": config.amqp_uri(), "serializer": "json"},
                                                        timeout=RPC_TIMEOUT_SECONDS))
    try:
        with factory() as cluster:
            organization = cluster.identity.set_plan(args.org_id, args.plan)
    except CarnetError as exc:
        print(f"refused: {exc.code} {json.dumps(exc.errors or exc.params, ensure_ascii=False)}", file=sys.stderr)
        return 1
    print(json.dumps({"id": organization["id"], "plan": organization["plan"], "limits": organization["limits"]},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
