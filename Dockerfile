# syntax=docker/dockerfile:1
# ecr-token-refresher image: the one-file bundle on a distroless Node.js LTS base — no shell, no
# package manager, no npm, no node_modules — as a numeric non-root user, runnable with a read-only
# root filesystem (it writes nothing outside /tmp).
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t ecr-token-refresher .
#   scripts/release <version> --registry <host>   (podman, both platforms, signed; docs/installing.md)
#
# Where no registry can be pulled from, build from local bases laid out the same way (node at
# /nodejs/bin/node in the runtime base; node and npm on PATH in the build base):
#   podman build --format docker --network host \
#     --build-arg BUILD_IMAGE=localhost/... --build-arg RUNTIME_IMAGE=localhost/... .

# Node 26, the newest LTS that distroless publishes (on Debian 13 only); docs/container.md says why.
# Fully qualified, so podman (which refuses to guess a short name's registry) builds it as docker does.
ARG BUILD_IMAGE=docker.io/library/node:26-trixie-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs26-debian13:nonroot

# --- bundle -----------------------------------------------------------------------------------
# The bundle is plain JavaScript, so it is built once on the build machine's own platform.
FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS build
# A proxy's CA bundle for npm, when the registry is reached through one; build stage only.
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/bundle.mjs scripts/undici-request-only.mjs ./scripts/
# esbuild reads tsconfig.json (strict mode, emitted as "use strict"): without it the image's bundle
# would differ from the npm package's and from the one its SBOM describes.
COPY tsconfig.json ./
COPY src ./src
RUN npm run build \
 && mkdir compile-cache

# --- V8 code cache ----------------------------------------------------------------------------
# Node keys its compile cache by node version and user id, so it is written by the runtime
# base's own node as the runtime user (a cross-platform build emulates this one step), then
# copied into the final stage owned by root: the process reads it and cannot change it.
# --platform=$TARGETPLATFORM is the default, but podman 4 (buildah 1.28) carries the bundle
# stage's --platform over to the stages after it, so a cross-platform build says it outright.
# hadolint ignore=DL3065
FROM --platform=$TARGETPLATFORM ${RUNTIME_IMAGE} AS compile-cache
WORKDIR /app
COPY package.json ./
COPY --from=build /app/dist/cli.js ./dist/cli.js
COPY --from=build --chown=10001:10001 /app/compile-cache ./compile-cache
USER 10001:10001
ENV NODE_COMPILE_CACHE=/app/compile-cache
# Exec form: the base has no shell. The same node flags as the ENTRYPOINT: V8 rejects a cache
# written under other flags.
RUN ["/nodejs/bin/node", "--max-semi-space-size=1", "dist/cli.js", "--version"]

# --- runtime ----------------------------------------------------------------------------------
# hadolint ignore=DL3065
FROM --platform=$TARGETPLATFORM ${RUNTIME_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="ecr-token-refresher" \
      org.opencontainers.image.description="Keeps AWS ECR registry credentials alive in Pipecat Cloud image pull secrets" \
      org.opencontainers.image.source="https://github.com/pipecat-ai/ecr-token-refresher" \
      org.opencontainers.image.url="https://github.com/pipecat-ai/ecr-token-refresher" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
# NODE_COMPILE_CACHE: V8's code cache for the bundle, written at build time (stage above), saves
# parsing and compiling 1.4 MB of JavaScript at every start (Node >= 22 reads it).
ENV NODE_ENV=production \
    NODE_COMPILE_CACHE=/app/compile-cache
WORKDIR /app
COPY package.json ./
COPY --from=build /app/dist/cli.js ./dist/cli.js
COPY --from=compile-cache /app/compile-cache ./compile-cache
# Files stay owned by root: the process can read but never change its own code or cache.
USER 10001:10001
EXPOSE 9102
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/nodejs/bin/node", "-e", "require('node:http').get('http://127.0.0.1:' + (process.env.METRICS_PORT || 9102) + '/healthz', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]
# No init process: node is PID 1 and handles SIGTERM and SIGINT itself (it drains, then exits; a
# second signal exits at once), and it starts no child processes that would need reaping.
# --max-semi-space-size=1 (MiB): a small young generation; the idle container holds ~6 MB less
# for a few more scavenges during a refresh (docs/performance.md).
# Arguments after the image name go to the CLI: `docker run IMAGE --once`.
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=1", "dist/cli.js"]
