"""Events held back from a consumer, as when it lags far behind: its queues for one producer's events are unbound
and each event goes to a parking queue of the test's instead, where it waits, undelivered and not lost (an event
no queue takes would be dropped by the producer's outbox: docs/stack-facts.md). ``release()`` binds the
consumer's queues again and moves what was parked into them, in order; the consumer then handles each event as it
would have (its inbox proves it: ``carnet_testing.handled``).

The queues are those the consumer's service class declares (``carnet_common.topology.event_queues``, nameko's own
``EventHandler`` setup), so their names and bindings are exactly the running service's.
"""
import contextlib
import json
import uuid

from kombu import Connection

from carnet_common.topology import event_queues


class HeldEvents:
    def __init__(self, channel, queues):
        self.channel = channel
        self.parking = {queue.name: f"test-held-{queue.routing_key}-{uuid.uuid4().hex[:8]}" for queue in queues}
        self.queues = queues
        self.released = False

    def hold(self):
        for queue in self.queues:
            parking = self.parking[queue.name]
            self.channel.queue_declare(queue=parking, durable=False, auto_delete=False)
            self.channel.queue_bind(queue=parking, exchange=queue.exchange.name, routing_key=queue.routing_key)
            self.channel.queue_unbind(queue=queue.name, exchange=queue.exchange.name, routing_key=queue.routing_key)

    def waiting(self):
        """How many events wait in the parking queues."""
        return sum(self.channel.queue_declare(queue=parking, passive=True).message_count
                   for parking in self.parking.values())

    def release(self):
        """Bind the consumer's queues again and move the parked events into them; their envelopes, in order."""
        if self.released:
            return []
        self.released = True
        moved = []
        for queue in self.queues:
            parking = self.parking[queue.name]
            self.channel.queue_bind(queue=queue.name, exchange=queue.exchange.name, routing_key=queue.routing_key)
            self.channel.queue_unbind(queue=parking, exchange=queue.exchange.name, routing_key=queue.routing_key)
            while (message := self.channel.basic_get(queue=parking, no_ack=False)) is not None:
                self.channel.basic_publish(message, exchange="", routing_key=queue.name)
                self.channel.basic_ack(message.delivery_tag)
                moved.append(json.loads(message.body))
            self.channel.queue_delete(queue=parking)
        return moved


@contextlib.contextmanager
def held_events(amqp_uri, consumer_cls, *, source):
    """While the block runs, the events of service ``source`` that ``consumer_cls`` (a nameko service class)
    handles are held back (``HeldEvents``); released at the end if the test did not release them itself."""
    queues = [queue for queue in event_queues(consumer_cls, {"AMQP_URI": amqp_uri})
              if queue.exchange.name == f"{source}.events"]
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        held = HeldEvents(channel, queues)
        held.hold()
        try:
            yield held
        finally:
            held.release()
            channel.close()
