"""The nameko dependency that gives a worker the service's Redis client (``REDIS_URL``; keys under
``redis_keys.prefix()``), one client per service process."""
from nameko.extensions import DependencyProvider

from carnet_common import redis_keys


class Redis(DependencyProvider):
    def setup(self):
        self.client = redis_keys.client(self.container.config.get("REDIS_URL"))

    def get_dependency(self, worker_ctx):
        return self.client
