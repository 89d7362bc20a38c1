"""Entrypoints of the sending area: the background sender's timer (E-10). usecases.py has the design."""
import logging
import time

import eventlet
import sqlalchemy as sa
from nameko.timer import timer

from carnet_campaigns.sending import usecases
from carnet_campaigns.sending.settings import Settings
from carnet_common import config, db, redis_keys

log = logging.getLogger(__name__)
# Expired claims are settled, and campaigns finished without a tick having sent anything, this often (seconds): the
# safety nets of an idle replica (a lease is a minute; a tick that sent finishes its campaigns at once).
SWEEP_SECONDS = 10.0


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
    """Mixed into CampaignsService (``db``, ``outbox``, ``redis``)."""

    _sending_settings = None
    _sending_bucket = None
    _sending_engine = None
    _swept_at = float("-inf")

    def _sender_settings(self):
        cls = type(self)
        if cls._sending_settings is None:
            cls._sending_settings = Settings.from_env()
        return cls._sending_settings

    @timer(interval=0.5)
    def send_due(self):
        """Send what is due (every replica unless ``CAMPAIGNS_SENDER_RUN=false``), then finish the campaigns that
        have nothing left to send."""
        settings = self._sender_settings()
        if not settings.run:
            return
        cls = type(self)
        if cls._sending_bucket is None:
            cls._sending_bucket = usecases.TokenBucket(self.redis, rate=settings.rate_per_org,
                                                       burst=settings.rate_burst, prefix=redis_keys.prefix())
        if cls._sending_engine is None:  # the senders' own pool: two connections each, beside the workers' pool
            cls._sending_engine = sa.create_engine(
                config.database_url(), pool_size=2 * settings.concurrency + 1, max_overflow=2, pool_timeout=10,
                connect_args={"options": db.session_options()})
        sweep = time.monotonic() - cls._swept_at >= SWEEP_SECONDS
        if sweep:
            cls._swept_at = time.monotonic()
        done = usecases.send_tick(engine=cls._sending_engine, settings=settings, collaborators=COLLABORATORS,
                                  bucket=cls._sending_bucket, outbox=self.outbox, sleep=eventlet.sleep,
                                  spawn_all=_spawn_all, recover=sweep)
        if done or sweep:
            with self.db.begin():
                usecases.finish_campaigns(self.db, outbox=self.outbox)
