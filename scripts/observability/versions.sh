# shellcheck shell=bash
# Pinned versions of the observability tooling. Sourced by install-tools.sh and
# check.sh, and by anything that needs the tools (the tracing tests start
# JAEGER_BIN with jaeger-config.yaml); change a version here only.

# promtool: checks and unit-tests the alerting rules, parses the dashboards'
# PromQL. The Prometheus Go module tags v0.3XX.Y for Prometheus 3.XX.Y.
PROMTOOL_MODULE="github.com/prometheus/prometheus"
PROMTOOL_VERSION="v0.316.0"

# Jaeger v2 (an OpenTelemetry Collector distribution): an OTLP receiver and the
# query API over in-memory storage, for tests that follow a trace. The Go module
# keeps v1.x tags; v1.75.0 is the Jaeger v2.12.0 release.
JAEGER_MODULE="github.com/jaegertracing/jaeger"
JAEGER_VERSION="v1.75.0"

PUBSUB_INGEST_CACHE="${PUBSUB_INGEST_CACHE:-$HOME/.cache/pubsub-ingest}"
OBSERVABILITY_TOOLS_DIR="$PUBSUB_INGEST_CACHE/tools"

PROMTOOL_BIN="$OBSERVABILITY_TOOLS_DIR/promtool-$PROMTOOL_VERSION/promtool"
JAEGER_BIN="$OBSERVABILITY_TOOLS_DIR/jaeger-$JAEGER_VERSION/jaeger"
# Jaeger's configuration for tests: in-memory, 127.0.0.1 only (see its header).
JAEGER_CONFIG="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/jaeger-config.yaml"
