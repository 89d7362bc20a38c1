# syntax=docker/dockerfile:1
# The campaigns service. Build from the repository root:
#   podman build -f deploy/docker/campaigns.Dockerfile -t carnet/campaigns:dev .
# One image, two commands: the service (CMD below) and its once-per-release migration
# (`python -m carnet_common.bootstrap ...`, run by the campaigns-migrate Job / compose service).

FROM python:3.11-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY constraints.txt ./
COPY libs/carnet_common/pyproject.toml libs/carnet_common/
COPY libs/carnet_common/carnet_common libs/carnet_common/carnet_common
COPY libs/carnet_contracts/pyproject.toml libs/carnet_contracts/
COPY libs/carnet_contracts/carnet_contracts libs/carnet_contracts/carnet_contracts
COPY services/campaigns/pyproject.toml services/campaigns/
COPY services/campaigns/carnet_campaigns services/campaigns/carnet_campaigns
# The local projects on one command line: pip takes carnet-common and carnet-contracts from here, never from an
# index.
RUN pip wheel --no-cache-dir --wheel-dir /wheels -c constraints.txt ./libs/carnet_common ./libs/carnet_contracts \
    ./services/campaigns

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PSYCOPG_WAIT_FUNC=wait_select \
    CARNET_SERVICE=campaigns \
    CAMPAIGNS_HTTP_ADDRESS=0.0.0.0:8104
RUN groupadd --system --gid 10001 carnet \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin carnet
# Installs only the wheels built above (--no-index); the wheels do not stay in a layer.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels /wheels/carnet_campaigns-*.whl
WORKDIR /app
COPY services/campaigns/config.yml services/campaigns/alembic.ini /app/
COPY services/campaigns/migrations /app/migrations
USER 10001:10001
EXPOSE 8104
# The class is named: `nameko run <module>` would also try to run the OpsEndpoints mixin it imports.
CMD ["nameko", "run", "--config", "/app/config.yml", "carnet_campaigns.service:CampaignsService"]
