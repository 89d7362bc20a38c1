"""The services of services.toml, as the dicts scripts/stack.py, the tests and the benchmarks start.

    python3 scripts/services.py names    # one name per line (the Makefile's list)
"""
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "services.toml"


def load(path=FILE):
    """``[{name, module, cls, path, dir, config, alembic, http_env, http_port}, …]`` in start order."""
    with open(path, "rb") as handle:
        entries = tomllib.load(handle)
    services = []
    for name, entry in entries.items():
        directory = ROOT / "services" / name
        module = f"carnet_{name}.service"
        services.append({"name": name, "module": module, "cls": entry["class"], "path": f"{module}:{entry['class']}",
                         "dir": f"services/{name}", "config": str(directory / "config.yml"),
                         "alembic": str(directory / "alembic.ini"), "http_env": f"{name.upper()}_HTTP_ADDRESS",
                         "http_port": int(entry["ops_port"])})
    return services


if __name__ == "__main__":
    if sys.argv[1:] != ["names"]:
        raise SystemExit(__doc__)
    print("\n".join(service["name"] for service in load()))
