"""Shared by the kit's unit and integration suites."""
import warnings

# eventlet announces on import that it is in maintenance mode (nameko 2 depends on it): import it
# quietly here, before any test module imports nameko, so the filter below can name its class.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet  # noqa: F401


def pytest_configure(config):
    # The kit's tests never run a nameko container under a monkey-patched hub (the integration tests
    # drive the providers directly), so nameko's reminder to monkey-patch is noise here.
    config.option.suppress_eventlet_notification = True
    config.addinivalue_line("filterwarnings", "ignore::eventlet.EventletDeprecationWarning")
