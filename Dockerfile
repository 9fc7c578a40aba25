# syntax=docker/dockerfile:1
# ecr-token-refresher image: Node.js LTS on Debian slim, behind tini, as a numeric non-root user,
# runnable with a read-only root filesystem (it writes nothing outside /tmp).
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t ecr-token-refresher .
#
# Every RUN happens in stages on the build machine's own platform ($BUILDPLATFORM): there are no
# native modules and tini comes as the target architecture's Debian package, unpacked without
# being run, so a multi-platform build needs no emulation.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- production dependencies ------------------------------------------------------------------
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS deps
# A proxy's CA bundle for npm, when the registry is reached through one; build stages only.
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# --- compile TypeScript -----------------------------------------------------------------------
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- tini for the target architecture ---------------------------------------------------------
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS tini
ARG TARGETARCH
WORKDIR /tmp/tini
# TARGETARCH (amd64, arm64) is Debian's architecture name too; builders that do not set it build for
# their own architecture.
RUN arch="${TARGETARCH:-$(dpkg --print-architecture)}" \
 && dpkg --add-architecture "${arch}" \
 && apt-get update \
 && apt-get download -o APT::Sandbox::User=root "tini:${arch}" \
 && dpkg-deb -x tini_*.deb /tini \
 && test -x /tini/usr/bin/tini \
 && rm -rf /var/lib/apt/lists/*

# --- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="ecr-token-refresher" \
      org.opencontainers.image.description="Keeps AWS ECR registry credentials alive in Pipecat Cloud image pull secrets" \
      org.opencontainers.image.source="https://github.com/pipecat-ai/ecr-token-refresher" \
      org.opencontainers.image.url="https://github.com/pipecat-ai/ecr-token-refresher" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
ENV NODE_ENV=production \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
COPY --from=tini /tini/usr/bin/tini /usr/bin/tini
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Files stay owned by root: the process can read but never change its own code.
USER 10001:10001
EXPOSE 9102
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "require('node:http').get('http://127.0.0.1:' + (process.env.METRICS_PORT || 9102) + '/healthz', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]
# tini forwards SIGTERM/SIGINT to node (which drains) and reaps children; arguments after the image
# name go to the CLI: `docker run IMAGE --once`.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/cli.js"]
