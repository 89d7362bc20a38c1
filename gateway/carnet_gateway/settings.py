"""Gateway settings, read from the environment when the app is created."""
from dataclasses import dataclass

from carnet_common import config


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
            readiness_services=tuple(
                s for s in os.environ.get("READINESS_SERVICES", "identity,contacts,opportunities").split(",") if s),
        )
