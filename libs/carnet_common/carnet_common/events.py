"""The event envelope every Carnet event carries: ``{event_id, occurred_at, version, data}``."""
import uuid
from datetime import datetime, timezone


def make_envelope(data, *, version=1):
    return {
        "event_id": str(uuid.uuid4()),
        "occurred_at": datetime.now(timezone.utc).isoformat(),
        "version": version,
        "data": data,
    }
