"""Configuration read from the environment by functions, at start-up, never at import time."""
import os

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/carnet"
DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def sqlalchemy_url(url):
    """Accept plain ``postgresql://`` URLs (what ``psql`` and the README use) and pick psycopg 3."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def database_url():
    return sqlalchemy_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))


def amqp_uri():
    return os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)


def redis_url():
    return os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_bool(name, default):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")
