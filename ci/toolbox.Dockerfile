# The image the pipeline's checks run in (ci/jenkins/*-pod.yaml): Node.js 24 with npm,
# Go 1.26 (the chart and Terraform tools are built from the Go module proxy), Python 3,
# Java 17 (CodeNarc, through npm-groovy-lint), git, and podman for the image test.
#   docker build -f ci/toolbox.Dockerfile -t <registry>/pubsub-ingest-ci/toolbox:<version> .
ARG GO_IMAGE=docker.io/library/golang:1.26.8-bookworm
ARG NODE_IMAGE=docker.io/library/node:24.21.0-bookworm-slim
# checkov:skip=CKV_DOCKER_7: both FROMs are the ARGs above, which pin their releases; checkov does not resolve ARGs
# checkov:skip=CKV_DOCKER_2: a CI tool image, run as the containers of the pipeline's pods (ci/jenkins/*-pod.yaml), serves nothing to health-check

FROM ${NODE_IMAGE} AS node

FROM ${GO_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      python3 python3-venv python3-pip openjdk-17-jre-headless git ca-certificates \
      podman buildah runc slirp4netns debootstrap uidmap \
 && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && useradd --uid 1000 --user-group --create-home ci
ENV PUBSUB_INGEST_CACHE=/cache
USER 1000:1000
