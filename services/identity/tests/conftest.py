"""Shared by the identity unit and integration suites."""
import warnings

# eventlet announces on import that it is in maintenance mode (nameko 2 depends on it): import it
# quietly here, before any test module imports nameko, so the filter below can name its class.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet  # noqa: F401


def pytest_configure(config):
    # The tests drive the service from outside (a real `nameko run` subprocess in the integration
    # tests), never under a monkey-patched hub here, so nameko's reminder to monkey-patch is noise.
    config.option.suppress_eventlet_notification = True
    config.addinivalue_line("filterwarnings", "ignore::eventlet.EventletDeprecationWarning")
