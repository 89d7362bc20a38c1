# syntax=docker/dockerfile:1
# The HTTP gateway (Flask under gunicorn gthread workers). Build from the repository root:
#   podman build -f deploy/docker/gateway.Dockerfile -t carnet/gateway:dev .

FROM python:3.11-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY constraints.txt ./
COPY libs/carnet_common/pyproject.toml libs/carnet_common/
COPY libs/carnet_common/carnet_common libs/carnet_common/carnet_common
COPY libs/carnet_contracts/pyproject.toml libs/carnet_contracts/
COPY libs/carnet_contracts/carnet_contracts libs/carnet_contracts/carnet_contracts
COPY gateway/pyproject.toml gateway/
COPY gateway/carnet_gateway gateway/carnet_gateway
# The local projects on one command line: pip takes carnet-common and carnet-contracts from here, never from an
# index.
RUN pip wheel --no-cache-dir --wheel-dir /wheels -c constraints.txt ./libs/carnet_common ./libs/carnet_contracts \
    ./gateway

FROM python:3.11-slim
# PROMETHEUS_MULTIPROC_DIR is emptied and re-created by gunicorn.conf.py at start: keep it under /tmp,
# the one writable path (an emptyDir in Kubernetes).
ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PSYCOPG_WAIT_FUNC=wait_select \
    CARNET_SERVICE=gateway \
    GATEWAY_BIND=0.0.0.0:8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
RUN groupadd --system --gid 10001 carnet \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin carnet
# Installs only the wheels built above (--no-index); the wheels do not stay in a layer.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels /wheels/carnet_gateway-*.whl
WORKDIR /app
COPY gateway/gunicorn.conf.py /app/gunicorn.conf.py
USER 10001:10001
# 8000: the API; 9100: the operations port (/metrics), bound when GUNICORN_CMD_ARGS and METRICS_PORT say so
# (deploy/k8s/gateway/deployment.yaml).
EXPOSE 8000 9100
CMD ["gunicorn", "-c", "/app/gunicorn.conf.py", "carnet_gateway.app:create_app()"]
