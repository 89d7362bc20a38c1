"""Shared by the forms service's unit and integration suites."""


def pytest_configure(config):
    # Unit tests run no nameko container; the integration tests run the services as processes.
    config.option.suppress_eventlet_notification = True
