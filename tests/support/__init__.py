"""What the end-to-end suites (tests/e2e*) share: an HTTP client and sign-up helpers (``http``), the system
started as ``make run`` starts it (``system``) and organizations with lists (``orgs``); polling is
``carnet_testing.eventually``. Importable as ``support`` through pytest.ini's ``pythonpath``; each
suite's conftest imports the names its test modules take ``from conftest``."""
