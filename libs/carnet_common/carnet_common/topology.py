"""Declare a service's event queues before any producer runs (docs/stack-facts.md: unbound events are dropped).

Uses nameko's own ``EventHandler.setup()`` to build each queue, so names and arguments are exactly those
the running service declares.
"""
from kombu import Connection
from nameko.containers import ServiceContainer
from nameko.events import EventHandler


def event_queues(service_cls, config):
    container = ServiceContainer(service_cls, config)
    queues = []
    for entrypoint in container.entrypoints:
        if isinstance(entrypoint, EventHandler):
            entrypoint.setup()
            queues.append(entrypoint.queue)
    return queues


def declare_event_queues(service_cls, config):
    queues = event_queues(service_cls, config)
    with Connection(config["AMQP_URI"]) as connection:
        channel = connection.channel()
        for queue in queues:
            queue(channel).declare()
        channel.close()
    return [queue.name for queue in queues]
