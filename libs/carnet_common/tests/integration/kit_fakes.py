"""Stand-ins for the two nameko objects the providers read (never for PostgreSQL or RabbitMQ)."""


class FakeContainer:
    def __init__(self, service_name, config):
        self.service_name = service_name
        self.config = config
        self.spawned = []

    def spawn_managed_thread(self, fn, identifier=None):
        """Recorded, run by the test when it chooses (nameko runs it in a green thread at once)."""
        self.spawned.append(fn)


class FakeWorkerCtx:
    def __init__(self, method_name="handler", data=None, service=None):
        self.data = dict(data or {})
        self.entrypoint = type("Entrypoint", (), {"method_name": method_name})()
        self.service = service
