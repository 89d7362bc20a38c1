"""Shared by the contacts service's unit and integration suites."""


def pytest_configure(config):
    # Unit tests run no nameko container; the integration tests run the service as a process.
    config.option.suppress_eventlet_notification = True
