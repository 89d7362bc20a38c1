"""The sender's collaborators, one set per service process, given to the ``send_due`` timer as a nameko
DependencyProvider (docs/conventions.md: collaborators are providers, never built by entrypoints or use cases):
its settings (``settings.py``), the per-organization token bucket over Redis (``usecases.TokenBucket``), its own
database pool, beside the workers' (each of ``concurrency`` senders holds two connections: durable claims, fast
outcomes), and when the safety nets last ran (``sweep_due``)."""
import time

from nameko.extensions import DependencyProvider

from carnet_campaigns.sending import usecases
from carnet_campaigns.sending.settings import Settings
from carnet_common import db, redis_keys

# Expired claims are settled, and campaigns finished without a tick having sent anything, this often (seconds): the
# safety nets of an idle replica (a lease is a minute; a tick that sent finishes its campaigns at once).
SWEEP_SECONDS = 10.0


class SenderResources:
    def __init__(self, settings, engine, bucket):
        self.settings, self.engine, self.bucket = settings, engine, bucket
        self.swept_at = float("-inf")

    def sweep_due(self, now=None):
        """Whether this tick runs the safety nets (then not again for ``SWEEP_SECONDS``)."""
        now = time.monotonic() if now is None else now
        if now - self.swept_at < SWEEP_SECONDS:
            return False
        self.swept_at = now
        return True


class Sender(DependencyProvider):
    def setup(self):
        settings = Settings.from_env(self.container.config)
        engine = db.new_engine(pool_size=2 * settings.concurrency + 1, max_overflow=2)
        bucket = usecases.TokenBucket(redis_keys.client(self.container.config.get("REDIS_URL")),
                                      rate=settings.rate_per_org, burst=settings.rate_burst,
                                      prefix=redis_keys.prefix())
        self.resources = SenderResources(settings, engine, bucket)

    def stop(self):
        self.resources.engine.dispose()

    def get_dependency(self, worker_ctx):
        return self.resources
