"""The sender's settings (E-10), read from the environment when the service starts (``Settings.from_env``).

| variable | default | meaning |
|---|---|---|
| CAMPAIGNS_SMTP_HOST / CAMPAIGNS_SMTP_PORT | 127.0.0.1 / 25 | the relay (the nameko config has them too) |
| CAMPAIGNS_SMTP_TLS | none | ``starttls`` (required: a relay without it is an error) or ``none`` |
| CAMPAIGNS_SMTP_CA_FILE | unset | the CA bundle the relay's STARTTLS certificate must chain to (else the system's) |
| CAMPAIGNS_SMTP_USER / CAMPAIGNS_SMTP_PASSWORD | unset | AUTH when the user is set |
| CAMPAIGNS_SMTP_TIMEOUT | 30 | seconds, each SMTP command |
| CAMPAIGNS_SMTP_HELO | unset | the name given in EHLO (the host's FQDN when unset) |
| CAMPAIGNS_RATE_PER_ORG | 300 | messages per second per organization (token bucket in Redis, all replicas) |
| CAMPAIGNS_RATE_BURST | = rate | the bucket's size |
| CAMPAIGNS_SEND_BATCH | 50 | recipients a sender claims at once |
| CAMPAIGNS_SENDER_CONCURRENCY | 4 | senders (one SMTP connection each) per process; the bound is this × replicas |
| CAMPAIGNS_SENDER_RUN | true | ``false``: this replica sends nothing |
| CAMPAIGNS_SENDER_TICK_SECONDS | 2 | how long one tick keeps sending while there is work |
| CAMPAIGNS_LEASE_SECONDS | 60 | a claim's lease; a recipient left ``sending`` past it belonged to a dead sender |
| CAMPAIGNS_RETRY_BASE_SECONDS | 60 | first retry after a 4xx; doubled each attempt |
| CAMPAIGNS_RETRY_MAX_SECONDS | 3600 | cap of the backoff |
| CAMPAIGNS_MAX_ATTEMPTS | 5 | attempts before a temporary failure becomes ``failed`` |
| CAMPAIGNS_IN_DOUBT | fail | a recipient whose SMTP transaction a crash interrupted: ``fail`` (at most once:
  failed, ``in_doubt``) or ``resend`` (at least once: for a relay that drops a Message-ID it already has) |
| PUBLIC_BASE_URL | http://127.0.0.1:8000 | the gateway's public address, in unsubscribe and tracking links |
"""
import dataclasses
import os

from carnet_common.config import env_bool, env_int

TLS_MODES = ("none", "starttls")
IN_DOUBT_MODES = ("fail", "resend")


def _env_float(name, default):
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


@dataclasses.dataclass(frozen=True)
class Settings:
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_tls: str = "none"
    smtp_ca_file: str = ""
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout: float = 30.0
    smtp_helo: str = ""
    rate_per_org: float = 300.0
    rate_burst: float = 300.0
    batch: int = 50
    concurrency: int = 4
    run: bool = True
    tick_seconds: float = 2.0
    lease_seconds: int = 60
    retry_base_seconds: int = 60
    retry_max_seconds: int = 3600
    max_attempts: int = 5
    in_doubt: str = "fail"
    public_base_url: str = "http://127.0.0.1:8000"

    @classmethod
    def from_env(cls, config=None):
        config = config or {}
        rate = _env_float("CAMPAIGNS_RATE_PER_ORG", cls.rate_per_org)
        tls = (os.environ.get("CAMPAIGNS_SMTP_TLS") or "none").strip().lower()
        in_doubt = (os.environ.get("CAMPAIGNS_IN_DOUBT") or "fail").strip().lower()
        if tls not in TLS_MODES:
            raise ValueError(f"CAMPAIGNS_SMTP_TLS must be one of {TLS_MODES}, not {tls!r}")
        if in_doubt not in IN_DOUBT_MODES:
            raise ValueError(f"CAMPAIGNS_IN_DOUBT must be one of {IN_DOUBT_MODES}, not {in_doubt!r}")
        return cls(
            smtp_host=os.environ.get("CAMPAIGNS_SMTP_HOST") or str(config.get("CAMPAIGNS_SMTP_HOST") or cls.smtp_host),
            smtp_port=env_int("CAMPAIGNS_SMTP_PORT", int(config.get("CAMPAIGNS_SMTP_PORT") or cls.smtp_port)),
            smtp_tls=tls,
            smtp_ca_file=os.environ.get("CAMPAIGNS_SMTP_CA_FILE", ""),
            smtp_user=os.environ.get("CAMPAIGNS_SMTP_USER", ""),
            smtp_password=os.environ.get("CAMPAIGNS_SMTP_PASSWORD", ""),
            smtp_timeout=_env_float("CAMPAIGNS_SMTP_TIMEOUT", cls.smtp_timeout),
            smtp_helo=os.environ.get("CAMPAIGNS_SMTP_HELO", ""),
            rate_per_org=rate,
            rate_burst=_env_float("CAMPAIGNS_RATE_BURST", rate),
            batch=max(1, env_int("CAMPAIGNS_SEND_BATCH", cls.batch)),
            concurrency=max(1, env_int("CAMPAIGNS_SENDER_CONCURRENCY", cls.concurrency)),
            run=env_bool("CAMPAIGNS_SENDER_RUN", True),
            tick_seconds=_env_float("CAMPAIGNS_SENDER_TICK_SECONDS", cls.tick_seconds),
            lease_seconds=max(5, env_int("CAMPAIGNS_LEASE_SECONDS", cls.lease_seconds)),
            retry_base_seconds=env_int("CAMPAIGNS_RETRY_BASE_SECONDS", cls.retry_base_seconds),
            retry_max_seconds=env_int("CAMPAIGNS_RETRY_MAX_SECONDS", cls.retry_max_seconds),
            max_attempts=max(1, env_int("CAMPAIGNS_MAX_ATTEMPTS", cls.max_attempts)),
            in_doubt=in_doubt,
            public_base_url=os.environ.get("PUBLIC_BASE_URL") or str(config.get("PUBLIC_BASE_URL")
                                                                      or cls.public_base_url),
        )

    def backoff(self, attempts):
        """Seconds before the next attempt after ``attempts`` temporary failures (exponential, capped)."""
        return min(self.retry_base_seconds * 2 ** max(attempts - 1, 0), self.retry_max_seconds)
