{{/*
Names and labels of the pubsub-ingest charts. Every template here takes the
chart's root context. A chart using this library defines three named templates
of its own:
  "pubsub-ingest.component"   the component of its workload (api, worker)
  "pubsub-ingest.port"        name and number of its container port (YAML: name, port)
  "pubsub-ingest.healthPort"  the same for its health and metrics port (may be the port above)
and "pubsub-ingest.config", its plain settings (see configmap below).
*/}}

{{/* Name of the chart, or nameOverride. */}}
{{- define "pubsub-ingest.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, truncated at 63 characters (DNS names). A release
name that contains the chart name is used as is.
*/}}
{{- define "pubsub-ingest.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* <fullname>-<suffix>, truncated. Usage: include "pubsub-ingest.fullnameWith" (list . "suffix") */}}
{{- define "pubsub-ingest.fullnameWith" -}}
{{- printf "%s-%s" (include "pubsub-ingest.fullname" (index . 0)) (index . 1) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "pubsub-ingest.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Application version: the image tag, or the chart's appVersion. */}}
{{- define "pubsub-ingest.version" -}}
{{- .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Common labels. */}}
{{- define "pubsub-ingest.labels" -}}
helm.sh/chart: {{ include "pubsub-ingest.chart" . }}
{{ include "pubsub-ingest.selectorLabels" . }}
app.kubernetes.io/version: {{ include "pubsub-ingest.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pubsub-ingest
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of every pod of the release. */}}
{{- define "pubsub-ingest.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pubsub-ingest.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of the workload's pods (Deployment, Service, PDB, ServiceMonitor). */}}
{{- define "pubsub-ingest.componentSelectorLabels" -}}
{{ include "pubsub-ingest.selectorLabels" . }}
app.kubernetes.io/component: {{ include "pubsub-ingest.component" . }}
{{- end }}

{{/* Labels of the workload's objects. */}}
{{- define "pubsub-ingest.componentLabels" -}}
{{ include "pubsub-ingest.labels" . }}
app.kubernetes.io/component: {{ include "pubsub-ingest.component" . }}
{{- end }}

{{/* Common annotations (a YAML map, possibly empty). */}}
{{- define "pubsub-ingest.annotations" -}}
{{- with .Values.commonAnnotations }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/* Name of the workload's ServiceAccount. */}}
{{- define "pubsub-ingest.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pubsub-ingest.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Container image reference; a digest wins over the tag. */}}
{{- define "pubsub-ingest.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Topology spread constraints, with the selector filled in where omitted.
Usage: include "pubsub-ingest.topologySpreadConstraints" (dict "constraints" LIST "selector" YAML_STRING)
*/}}
{{- define "pubsub-ingest.topologySpreadConstraints" -}}
{{- $out := list }}
{{- range .constraints }}
{{- $c := deepCopy . }}
{{- if not $c.labelSelector }}
{{- $_ := set $c "labelSelector" (dict "matchLabels" ($.selector | fromYaml)) }}
{{- end }}
{{- $out = append $out $c }}
{{- end }}
{{- toYaml $out }}
{{- end }}
