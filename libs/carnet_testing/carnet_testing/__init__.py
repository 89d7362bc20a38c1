"""Carnet's test helpers, for tests and benchmarks only (no service image installs this package).

- ``storage``: a fresh PostgreSQL database, RabbitMQ vhost and Redis prefix per run;
- ``processes``: services as ``nameko run`` processes, as scripts/stack.py starts them;
- ``waiting``: ``eventually`` (the one polling helper) and proofs that an event was handled;
- ``mail``: a real SMTP server (``smtp_relay``) whose received messages a test reads.
"""
from carnet_testing.processes import (
    ServiceProcesses,
    bootstrap,
    bootstrapped_env,
    free_port,
    rpc_config,
    running_services,
)
from carnet_testing.storage import fresh_database, fresh_redis_prefix, fresh_vhost, test_env, unique_name
from carnet_testing.waiting import eventually, handled, metric_value, parked

__all__ = ["ServiceProcesses", "bootstrap", "bootstrapped_env", "eventually", "free_port", "fresh_database",
           "fresh_redis_prefix", "fresh_vhost", "handled", "metric_value", "parked", "rpc_config",
           "running_services", "test_env", "unique_name"]
