# shellcheck shell=bash
# Pinned versions of the observability tooling. Sourced by install-tools.sh and
# check.sh, and by anything that needs the tools (the tracing tests start
# OTELCOL_BIN with otelcol/config.yaml); change a version here only.

# promtool: checks and unit-tests the alerting rules, parses the dashboards'
# PromQL. The Prometheus Go module tags v0.3XX.Y for Prometheus 3.XX.Y.
PROMTOOL_MODULE="github.com/prometheus/prometheus"
PROMTOOL_VERSION="v0.316.0"

# The trace backend of the tracing tests: an OpenTelemetry Collector of the
# official OTLP receiver and the contrib file exporter only (otelcol/main.go,
# dependencies pinned by otelcol/go.mod and go.sum). It builds in about 2.5
# minutes cold, where a full distribution such as Jaeger v2 takes about 8.
OTELCOL_VERSION="v0.161.0"

PUBSUB_INGEST_CACHE="${PUBSUB_INGEST_CACHE:-$HOME/.cache/pubsub-ingest}"
OBSERVABILITY_TOOLS_DIR="$PUBSUB_INGEST_CACHE/tools"

PROMTOOL_BIN="$OBSERVABILITY_TOOLS_DIR/promtool-$PROMTOOL_VERSION/promtool"
OTELCOL_SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/otelcol"
# The build is keyed by its sources, so a change to otelcol/ rebuilds it.
OTELCOL_BIN="$OBSERVABILITY_TOOLS_DIR/otelcol-$OTELCOL_VERSION-$(cat "$OTELCOL_SOURCE/go.mod" "$OTELCOL_SOURCE/go.sum" "$OTELCOL_SOURCE/main.go" | sha256sum | cut -c1-12)/otelcol"
