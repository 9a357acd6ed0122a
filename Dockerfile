# syntax=docker/dockerfile:1.7
# Images of the two services, from one build:
#   docker build --target publisher  -t publisher  .   (also runs the migration Job)
#   docker build --target subscriber -t subscriber .
# BASE_IMAGE defaults to the official Node.js image; a build without registry access
# passes the equivalent made by scripts/images/build-base.sh.
ARG BASE_IMAGE=docker.io/library/node:24.21.0-bookworm-slim
# checkov:skip=CKV_DOCKER_7: every FROM is ${BASE_IMAGE}, whose default above pins the release; checkov does not resolve ARGs
# checkov:skip=CKV_DOCKER_2: Kubernetes ignores HEALTHCHECK; the charts give both services startup, liveness and readiness probes

# ---------------------------------------------------------------- build
FROM ${BASE_IMAGE} AS build
WORKDIR /src
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Manifests first, so the dependency layer is reused until they change.
COPY package.json package-lock.json .npmrc tsconfig.base.json ./
COPY common/package.json common/
COPY publisher/package.json publisher/
COPY subscriber/package.json subscriber/
# Behind a TLS-intercepting proxy, pass its CA bundle as the secret `npm-ca`
# (`--secret id=npm-ca,src=ca.pem`); it never becomes part of a layer.
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npm-ca \
    if [ -s /run/secrets/npm-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca; fi \
 && npm ci --workspace common --workspace publisher --workspace subscriber --include-workspace-root
# Each image's CycloneDX SBOM: the production tree of its workspace, as its npm ci --omit=dev below
# installs it (docs/supply-chain.md); the image carries it in /usr/share/doc/pubsub-ingest/.
RUN mkdir -p sbom \
 && for service in publisher subscriber; do \
      npx --no-install cyclonedx-npm --omit dev --workspace "$service" --spec-version 1.6 --output-reproducible \
        --output-file "sbom/$service.cdx.json" package.json || exit 1; \
    done
COPY common/ common/
COPY publisher/ publisher/
COPY subscriber/ subscriber/
RUN npx tsc -b common publisher subscriber \
 && find common/dist publisher/dist subscriber/dist \( -name '*.d.ts' -o -name '*.d.ts.map' \) -delete

# Production dependencies of one service (and of the common workspace it links).
FROM build AS publisher-modules
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npm-ca \
    if [ -s /run/secrets/npm-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca; fi \
 && npm ci --omit=dev --workspace publisher
FROM build AS subscriber-modules
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npm-ca \
    if [ -s /run/secrets/npm-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca; fi \
 && npm ci --omit=dev --workspace subscriber

# ---------------------------------------------------------------- runtime
FROM ${BASE_IMAGE} AS runtime
ARG BASE_IMAGE
# A runtime needs node only: no package manager to abuse or to patch.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
      /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
WORKDIR /app
# --max-old-space-size-percentage sizes V8's heap from the cgroup memory limit, so the
# heap follows resources.limits.memory; the rest is left to buffers, code and stacks.
# The publisher chart replaces it (config.nodeOptions) to add larger semispaces.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size-percentage=75
COPY --from=build /src/package.json ./
COPY --from=build /src/common/package.json common/
COPY --from=build /src/common/dist common/dist
# Files stay owned by root: the service user can read them, never change them.
USER 10001:10001
STOPSIGNAL SIGTERM
LABEL org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="pubsub-ingest" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"

FROM runtime AS publisher
COPY --from=publisher-modules /src/node_modules node_modules
COPY --from=build /src/sbom/publisher.cdx.json /usr/share/doc/pubsub-ingest/sbom.cdx.json
COPY --from=build /src/publisher/package.json publisher/
COPY --from=build /src/publisher/dist publisher/dist
LABEL org.opencontainers.image.title="pubsub-ingest publisher" \
      org.opencontainers.image.description="HTTP API that publishes JSON messages to SNS and serves stored records; also carries the migration CLI (node /app/common/dist/bin/migrate.js)."
EXPOSE 3000
# node is PID 1 on purpose: the service installs its own SIGTERM handler (drain, then exit 0)
# and starts no child processes, so an init process would add nothing.
CMD ["node", "publisher/dist/main.js"]
# Per-build labels last, so a new commit reuses every layer above.
ARG VERSION=0.0.0-dev REVISION=unknown CREATED=1970-01-01T00:00:00Z SOURCE=""
LABEL org.opencontainers.image.version="${VERSION}" org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" org.opencontainers.image.source="${SOURCE}"

FROM runtime AS subscriber
COPY --from=subscriber-modules /src/node_modules node_modules
COPY --from=build /src/sbom/subscriber.cdx.json /usr/share/doc/pubsub-ingest/sbom.cdx.json
COPY --from=build /src/subscriber/package.json subscriber/
COPY --from=build /src/subscriber/dist subscriber/dist
LABEL org.opencontainers.image.title="pubsub-ingest subscriber" \
      org.opencontainers.image.description="SQS long-poller that stores every message exactly once in PostgreSQL."
EXPOSE 8081
CMD ["node", "subscriber/dist/main.js"]
# Per-build labels last, so a new commit reuses every layer above.
ARG VERSION=0.0.0-dev REVISION=unknown CREATED=1970-01-01T00:00:00Z SOURCE=""
LABEL org.opencontainers.image.version="${VERSION}" org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" org.opencontainers.image.source="${SOURCE}"
