"""Gateway settings, read from the environment when the app is created."""
from dataclasses import dataclass

from carnet_common import config

# What /readyz asks (READINESS_SERVICES overrides): every service behind the gateway.
DEFAULT_READINESS_SERVICES = "identity,contacts,opportunities,campaigns,forms"


@dataclass(frozen=True)
class Settings:
    amqp_uri: str
    redis_url: str
    rpc_timeout: float
    signup_enabled: bool
    max_body_bytes: int
    principal_ttl: int
    login_user_failures: int
    login_ip_failures: int
    login_ip_attempts_per_minute: int
    login_window_seconds: int
    trusted_proxies: int
    readiness_services: tuple
    login_pair_failures: int = 10
    # Settings built in code (tests, tools) start with these limits off or open; ``from_env`` gives a deployment
    # its defaults (docs/rules/identity-and-access.md, S-10).
    signup_max_per_address: int = 1_000_000
    signup_max_total: int = 1_000_000
    signup_max_taken_per_address: int = 1_000_000
    signup_max_taken_total: int = 1_000_000
    signup_window_seconds: int = 3600
    api_requests_per_user_minute: int = 0
    metrics_port: int = 0
    hsts_max_age: int = 0
    import_max_bytes: int = 50 * 1024 * 1024   # an import's .xlsx (C-19): a larger upload is a 413
    # Documents (DOC-2): bytes per "GB" of a plan's ``storage_gb_per_user`` (S-7); tests shrink it to test quotas
    # without writing gigabytes. The storage itself is configured by ``carnet_common.storage.from_env``.
    documents_bytes_per_gb: int = 1024 ** 3

    @classmethod
    def from_env(cls):
        import os
        return cls(
            amqp_uri=config.amqp_uri(),
            redis_url=config.redis_url(),
            rpc_timeout=float(os.environ.get("RPC_TIMEOUT_SECONDS", "10")),
            signup_enabled=config.env_bool("SIGNUP_ENABLED", True),
            max_body_bytes=config.env_int("MAX_BODY_BYTES", 1_048_576),
            principal_ttl=config.env_int("PRINCIPAL_CACHE_SECONDS", 300),
            login_user_failures=config.env_int("LOGIN_MAX_FAILURES_PER_USER", 100),
            login_pair_failures=config.env_int("LOGIN_MAX_FAILURES_PER_USER_AND_IP", 10),
            login_ip_failures=config.env_int("LOGIN_MAX_FAILURES_PER_IP", 50),
            login_ip_attempts_per_minute=config.env_int("LOGIN_MAX_ATTEMPTS_PER_IP_MINUTE", 120),
            login_window_seconds=config.env_int("LOGIN_WINDOW_SECONDS", 900),
            trusted_proxies=config.env_int("TRUSTED_PROXIES", 0),
            signup_max_per_address=config.env_int("SIGNUP_MAX_PER_ADDRESS", 100),
            signup_max_total=config.env_int("SIGNUP_MAX_TOTAL", 1000),
            signup_max_taken_per_address=config.env_int("SIGNUP_MAX_TAKEN_PER_ADDRESS", 10),
            signup_max_taken_total=config.env_int("SIGNUP_MAX_TAKEN_TOTAL", 100),
            signup_window_seconds=config.env_int("SIGNUP_WINDOW_SECONDS", 3600),
            api_requests_per_user_minute=config.env_int("API_REQUESTS_PER_USER_MINUTE", 600),
            metrics_port=config.env_int("METRICS_PORT", 0),
            hsts_max_age=config.env_int("HSTS_MAX_AGE", 31_536_000),
            import_max_bytes=config.env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024),
            documents_bytes_per_gb=config.env_int("DOCUMENTS_BYTES_PER_GB", 1024 ** 3),
            readiness_services=tuple(
                s for s in os.environ.get("READINESS_SERVICES", DEFAULT_READINESS_SERVICES).split(",") if s),
        )
