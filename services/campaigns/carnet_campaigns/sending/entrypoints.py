"""Entrypoints of the sending area: the background sender's timer (E-10). usecases.py has the design."""
import logging

import eventlet
from nameko.timer import timer

from carnet_campaigns.sending import usecases

log = logging.getLogger(__name__)


def _is_suppressed(session, **kwargs):
    from carnet_campaigns.audience import repository as audience
    return audience.is_suppressed(session, **kwargs)


def _suppress(session, **kwargs):
    from carnet_campaigns.audience import repository as audience
    return audience.suppress(session, **kwargs)


def _signing_key(session, **kwargs):
    from carnet_campaigns.domains import usecases as domains
    return domains.signing_key(session, **kwargs)


COLLABORATORS = usecases.Collaborators(is_suppressed=_is_suppressed, suppress=_suppress, signing_key=_signing_key)


def _spawn_all(functions):
    """Run ``functions`` in green threads of their own, wait for all; their results (an error is logged: that
    sender's claims expire and are settled by a later tick)."""
    threads = [eventlet.spawn(function) for function in functions]
    results = []
    for thread in threads:
        try:
            results.append(thread.wait())
        except Exception:  # noqa: BLE001 - one sender's failure (database, Redis) must not stop the others
            log.exception("sender failed")
    return results


class SendingEntrypoints:
    """Mixed into CampaignsService (``db``, ``outbox`` and ``sender``: ``provider.Sender``)."""

    @timer(interval=0.5)
    def send_due(self):
        """Send what is due (every replica unless ``CAMPAIGNS_SENDER_RUN=false``), then finish the campaigns that
        have nothing left to send."""
        sender = self.sender
        if not sender.settings.run:
            return
        sweep = sender.sweep_due()
        done = usecases.send_tick(engine=sender.engine, settings=sender.settings, collaborators=COLLABORATORS,
                                  bucket=sender.bucket, outbox=self.outbox, sleep=eventlet.sleep,
                                  spawn_all=_spawn_all, recover=sweep)
        if done or sweep:
            with self.db.begin():
                usecases.finish_campaigns(self.db, outbox=self.outbox)
