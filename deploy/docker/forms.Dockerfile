# syntax=docker/dockerfile:1
# The forms service. Build from the repository root:
#   podman build -f deploy/docker/forms.Dockerfile -t carnet/forms:dev .
# One image, two commands: the service (CMD below) and its once-per-release migration
# (`python -m carnet_common.bootstrap ...`, run by the forms-migrate Job / compose service).

FROM python:3.11-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY constraints.txt ./
COPY libs/carnet_common/pyproject.toml libs/carnet_common/
COPY libs/carnet_common/carnet_common libs/carnet_common/carnet_common
COPY libs/carnet_contracts/pyproject.toml libs/carnet_contracts/
COPY libs/carnet_contracts/carnet_contracts libs/carnet_contracts/carnet_contracts
COPY libs/carnet_custom_fields/pyproject.toml libs/carnet_custom_fields/
COPY libs/carnet_custom_fields/carnet_custom_fields libs/carnet_custom_fields/carnet_custom_fields
COPY services/forms/pyproject.toml services/forms/
COPY services/forms/carnet_forms services/forms/carnet_forms
# The local projects on one command line: pip takes carnet-common and carnet-contracts from here, never from an
# index.
RUN pip wheel --no-cache-dir --wheel-dir /wheels -c constraints.txt ./libs/carnet_common ./libs/carnet_contracts \
    ./libs/carnet_custom_fields ./services/forms

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PSYCOPG_WAIT_FUNC=wait_select \
    CARNET_SERVICE=forms \
    FORMS_HTTP_ADDRESS=0.0.0.0:8105
RUN groupadd --system --gid 10001 carnet \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin carnet
# Installs only the wheels built above (--no-index); the wheels do not stay in a layer.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels /wheels/carnet_forms-*.whl
WORKDIR /app
COPY services/forms/config.yml services/forms/alembic.ini /app/
COPY services/forms/migrations /app/migrations
USER 10001:10001
EXPOSE 8105
# The class is named: `nameko run <module>` would also try to run the OpsEndpoints mixin it imports.
CMD ["nameko", "run", "--config", "/app/config.yml", "carnet_forms.service:FormsService"]
