"""``make run``: migrate, start every service and the gateway, create the demo organization, print the
URL and login, stream the interleaved logs; Ctrl-C stops everything."""
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request

from stack import Stack

DEMO = {"name": "Démo Carnet", "plan": "team", "language": "fr",
        "admin": {"username": "demo", "password": "carnet-demo-2026", "full_name": "Admin Démo",
                  "email": "demo@example.com"}}


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def ensure_demo(url):
    """Create the demo organization once; a second ``make run`` logs in to the existing one."""
    login = {"username": DEMO["admin"]["username"], "password": DEMO["admin"]["password"]}
    if post(url + "/api/v1/auth/login", login) == 200:
        return "existing"
    status = post(url + "/api/v1/organizations", DEMO)
    if status == 409:
        return "existing, but its password was changed"
    if status != 201:
        raise SystemExit(f"could not create the demo organization (HTTP {status})")
    return "created"


def main():
    env = dict(os.environ)
    env.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    stack = Stack(env, gateway_port=int(env.get("CARNET_PORT", "8000")))
    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    # Started in the background, a process inherits an ignored SIGINT: Ctrl-C must still stop us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        stack.bootstrap()
        stack.start(timeout=90)
        state = ensure_demo(stack.url)
        print(f"\n  Carnet is running at {stack.url}  (demo organization {state})\n"
              f"  API docs: {stack.url}/api/docs\n"
              f"  Login:    {DEMO['admin']['username']} / {DEMO['admin']['password']}\n"
              f"  Ctrl-C stops everything.\n", flush=True)
        while True:
            for process in stack.processes:
                if process.poll() is not None:
                    raise SystemExit(f"{process.carnet_name} stopped (exit {process.returncode})")
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
