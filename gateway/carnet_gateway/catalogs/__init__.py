"""More user-facing messages, one module per feature area, each with a ``MESSAGES`` dict of
``key: (english, french)``; ``messages.py`` merges them and refuses a key defined twice."""
import importlib
import pkgutil


def collect(existing):
    merged = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, value in module.MESSAGES.items():
            if key in existing or key in merged:
                raise RuntimeError(f"message key {key!r} is defined twice ({info.name})")
            merged[key] = value
    return merged
