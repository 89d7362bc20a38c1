"""Add a nameko service to deploy/ as a copy of identity's files, renamed.

    python deploy/add_service.py contacts

The service must be listed in services.toml (its class and ops port are read from there, the one list of
services that the Makefile, scripts/stack.py and the tests read too).

Writes deploy/docker/<name>.Dockerfile and deploy/k8s/<name>/, lists them in deploy/k8s/kustomization.yaml
and adds <name>-migrate and <name> to deploy/compose.yml. It assumes the layout of docs/conventions.md:
services/<name>/ with the package carnet_<name>, its ops address in <NAME>_HTTP_ADDRESS. Read the diff,
then run `pytest tests/deploy`: it checks the result like the hand-written files.
"""
import argparse
import re
import sys
import tomllib
from pathlib import Path

TEMPLATE, TEMPLATE_CLASS, TEMPLATE_PORT = "identity", "IdentityService", "8101"


def renamed(text, *, name, service_class, port):
    for old, new in ((TEMPLATE_CLASS, service_class), (TEMPLATE, name), (TEMPLATE.upper(), name.upper()),
                     (TEMPLATE_PORT, str(port))):
        text = text.replace(old, new)
    return text


def compose_block(lines, service):
    """The lines of one service under `services:` (two-space indentation), without its leading comments."""
    start = lines.index(f"  {service}:\n")
    end = start + 1
    while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
        end += 1
    return lines[start:end]


MIGRATION_WAIT = re.compile(r"      [a-z0-9]+-migrate: \{condition: service_completed_successfully\}\n")


def add_to_compose(path, rename):
    """Adds <name>-migrate and <name> before the gateway. Every service that waits for migrations waits for
    the new one too: each consumer's queues must exist before any producer starts (docs/stack-facts.md)."""
    new_wait = rename(f"      {TEMPLATE}-migrate: {{condition: service_completed_successfully}}\n")
    lines, updated = path.read_text().splitlines(keepends=True), []
    for line, following in zip(lines, lines[1:] + [""], strict=True):
        ends_waits = MIGRATION_WAIT.fullmatch(line) and not MIGRATION_WAIT.fullmatch(following)
        updated += [line, new_wait] if ends_waits else [line]
    blocks = compose_block(updated, f"{TEMPLATE}-migrate") + compose_block(updated, TEMPLATE)
    gateway = updated.index("  gateway:\n")
    updated[gateway:gateway] = [line if MIGRATION_WAIT.fullmatch(line) else rename(line) for line in blocks]
    path.write_text("".join(updated))


def add_to_kustomization(path, rename):
    """Lists the new directory and image just before the gateway's."""
    text = path.read_text()
    resource = f"  - {TEMPLATE}\n"
    image = re.search(rf"  - name: carnet/{TEMPLATE}\n    newTag: .*\n", text).group(0)
    text = text.replace("  - gateway\n", rename(resource) + "  - gateway\n", 1)
    text = text.replace("  - name: carnet/gateway\n", rename(image) + "  - name: carnet/gateway\n", 1)
    path.write_text(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the service, lower case, as listed in services.toml: contacts")
    parser.add_argument("--deploy-dir", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--services-file", type=Path, help="default: services.toml beside the deploy directory")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z][a-z0-9]*", args.name):
        parser.error("the name must be lower-case letters and digits")
    deploy = args.deploy_dir
    services_file = args.services_file or deploy.parent / "services.toml"
    with open(services_file, "rb") as handle:
        entry = tomllib.load(handle).get(args.name)
    if entry is None:
        sys.exit(f"{args.name} is not in {services_file}: add [{args.name}] with its class and ops_port first")

    def rename(text):
        return renamed(text, name=args.name, service_class=entry["class"], port=entry["ops_port"])

    dockerfile = deploy / "docker" / f"{args.name}.Dockerfile"
    k8s_dir = deploy / "k8s" / args.name
    if dockerfile.exists() or k8s_dir.exists():
        sys.exit(f"{args.name} is already deployed: {dockerfile} or {k8s_dir} exists")
    dockerfile.write_text(rename((deploy / "docker" / f"{TEMPLATE}.Dockerfile").read_text()))
    k8s_dir.mkdir()
    for source in sorted((deploy / "k8s" / TEMPLATE).iterdir()):
        (k8s_dir / source.name).write_text(rename(source.read_text()))
    add_to_kustomization(deploy / "k8s" / "kustomization.yaml", rename)
    add_to_compose(deploy / "compose.yml", rename)
    print(f"added {args.name} to {deploy}")


if __name__ == "__main__":
    main()
