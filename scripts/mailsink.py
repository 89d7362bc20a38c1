"""A local mail catcher: an SMTP server on loopback that accepts every message and writes it to a folder.

``make run`` (devrun.py) starts one and points the services' ``SMTP_HOST``/``SMTP_PORT`` at it, so task
invitations (T-3) can be read as files (``.run/mail/*.eml``: open one in a mail program, or read it as text)
instead of needing a real relay; the walkthrough test uses it the same way. Nothing is ever relayed further.

    python scripts/mailsink.py [folder] [port]     # alone: 127.0.0.1:8025 into .run/mail, Ctrl-C stops
"""
import itertools
import re
import socket
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = ROOT / ".run" / "mail"
DEFAULT_PORT = 8025


class _Writer:
    """aiosmtpd handler: one ``<UTC time>-<n>-<first recipient>.eml`` file per message, written whole or not at
    all (a temporary name, then a rename), so a reader never sees half a message."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            number = next(self._numbers)
        recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", envelope.rcpt_tos[0] if envelope.rcpt_tos else "nobody")
        name = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{number:04d}-{recipient}.eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.folder / name)
        return "250 Message accepted for delivery"


def start(folder=DEFAULT_FOLDER, port=DEFAULT_PORT, host="127.0.0.1"):
    """The running catcher (``.port``, ``.stop()``); ``port=0`` picks a free one. Raises OSError when the port
    is taken."""
    controller = Controller(_Writer(folder), hostname=host, port=port or _free_port(host))
    controller.start()
    return controller


def _free_port(host):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def main(argv):
    folder = Path(argv[0]) if argv else DEFAULT_FOLDER
    port = int(argv[1]) if len(argv) > 1 else DEFAULT_PORT
    controller = start(folder, port)
    print(f"mail catcher on 127.0.0.1:{controller.port}, writing to {folder}; Ctrl-C stops", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
