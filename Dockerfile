# syntax=docker/dockerfile:1
# ChessChat server image: the app in its AWS mode (settings from CHESSCHAT_* environment
# variables set by the ECS task definition; secrets read by the app from Secrets Manager).

# Node and npm for the web client's esbuild bundle, which `pip install` builds.
FROM node:20.18.1-bookworm-slim AS node

FROM python:3.11.11-slim-bookworm AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && python -m venv /opt/chesschat
ENV PATH=/opt/chesschat/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir .

FROM python:3.11.11-slim-bookworm AS runtime
# Debian's Stockfish reviews finished games (one engine per server process); the apt
# lists go with the layer. Unpinned on purpose: the base image's tag fixes the Debian
# release, and within it the engine should take that release's security updates.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends stockfish \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 chesschat \
 && useradd --system --uid 10001 --gid chesschat --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin chesschat \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/chesschat
COPY --from=build /opt/chesschat /opt/chesschat
ENV PATH=/opt/chesschat/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CHESSCHAT_HOST=0.0.0.0 \
    CHESSCHAT_PORT=8080 \
    CHESSCHAT_DATA_DIR=/var/lib/chesschat \
    CHESSCHAT_RECORD_STORE=dynamodb \
    CHESSCHAT_IDENTITY=local \
    CHESSCHAT_METRICS=cloudwatch \
    CHESSCHAT_COOKIE_SECURE=true \
    CHESSCHAT_TURN=off \
    CHESSCHAT_REVIEW_ENGINE_PATH=/usr/games/stockfish \
    CHESSCHAT_LOG_JSON=true
# The image's command must start with nothing but the runtime dependencies installed: a
# module that imports a test-only package fails the build here instead of the ECS task.
RUN chesschat --help >/dev/null
# The only writable places when ECS runs the container with a read-only root. Declared
# here so that Fargate gives each volume the image's ownership and mode.
VOLUME ["/tmp", "/var/lib/chesschat"]
USER 10001:10001
WORKDIR /var/lib/chesschat
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=3).status == 200 else 1)"]
CMD ["chesschat", "serve", "--host", "0.0.0.0", "--port", "8080"]
