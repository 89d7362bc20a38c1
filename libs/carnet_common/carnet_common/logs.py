"""Structured JSON logs, one object a line, carrying the request id of the work in progress."""
import json
import logging
import os
import time

from carnet_common.context import get_request_id

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "service": os.environ.get("CARNET_SERVICE", "carnet"),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = get_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(level="INFO"):
    """A ``logging.config.dictConfig`` mapping used by nameko (LOGGING) and the gateway alike."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "carnet_common.logs.JsonFormatter"}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"level": level, "handlers": ["stdout"]},
        "loggers": {
            "kombu": {"level": "WARNING"},
            "amqp": {"level": "ERROR"},
            "nameko": {"level": "WARNING"},
            "urllib3": {"level": "WARNING"},
        },
    }
