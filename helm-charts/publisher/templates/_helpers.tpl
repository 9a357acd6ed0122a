{{/*
The publisher's part of the templates; the rest comes from the library chart
pubsub-ingest-common (charts/pubsub-ingest-common).
*/}}

{{/* Hooks of the library chart. */}}
{{- define "pubsub-ingest.component" -}}api{{- end }}

{{- define "pubsub-ingest.port" -}}
name: http
port: {{ .Values.containerPorts.http }}
{{- end }}

{{/* Apart from the API, so that routing the API port never exposes /metrics. */}}
{{- define "pubsub-ingest.healthPort" -}}
name: health
port: {{ .Values.containerPorts.health }}
{{- end }}

{{- define "pubsub-ingest.config" -}}
{{- include "publisher.settings" (dict "ctx" . "database" .Values.database) }}
{{ include "pubsub-ingest.authConfig" . }}
{{- end }}

{{/*
Plain settings with a given database connection, as a map of environment
variable name to string value. Rendered into the ConfigMap, and inline into
the migration hook Job (which runs before the ConfigMap exists on first
install, and connects as the schema's owner).
Usage: include "publisher.settings" (dict "ctx" . "database" DATABASE_VALUES)
*/}}
{{- define "publisher.settings" -}}
{{- $v := .ctx.Values }}
{{- $topics := list }}
{{- range $v.config.allowedTopics }}
{{- $topics = append $topics (printf "%s=%s" .name .arn) }}
{{- end }}
AWS_REGION: {{ $v.config.awsRegion | quote }}
{{- with $v.config.awsEndpointUrl }}
AWS_ENDPOINT_URL: {{ . | quote }}
{{- end }}
LOG_LEVEL: {{ $v.config.logLevel | quote }}
HOST: {{ $v.config.host | quote }}
PORT: {{ $v.containerPorts.http | quote }}
HEALTH_PORT: {{ $v.containerPorts.health | quote }}
ALLOWED_TOPICS: {{ join "," $topics | quote }}
PUBLISH_LINGER_MS: {{ $v.config.publishLingerMs | quote }}
PUBLISH_MAX_IN_FLIGHT: {{ $v.config.publishMaxInFlight | quote }}
SHUTDOWN_TIMEOUT_MS: {{ $v.config.shutdownTimeoutMs | quote }}
HTTP_MAX_BODY_BYTES_IN_FLIGHT: {{ $v.config.maxBodyBytesInFlight | int64 | quote }}
{{- with $v.config.nodeOptions }}
NODE_OPTIONS: {{ . | quote }}
{{- end }}
RATE_LIMIT_MESSAGES_PER_SECOND: {{ $v.config.rateLimit.messagesPerSecond | quote }}
RATE_LIMIT_BURST: {{ $v.config.rateLimit.burst | quote }}
RATE_LIMIT_BYTES_PER_SECOND: {{ $v.config.rateLimit.bytesPerSecond | int64 | quote }}
RATE_LIMIT_BYTES_BURST: {{ $v.config.rateLimit.bytesBurst | int64 | quote }}
RATE_LIMIT_REFUSAL_DELAY_MS: {{ $v.config.rateLimit.refusalDelayMs | quote }}
{{- include "pubsub-ingest.databaseConfig" . }}
{{- end }}

{{/* The database connection of the migration Job: the service's, with migration.database's user and auth. */}}
{{- define "publisher.migrationDatabase" -}}
{{- $db := deepCopy .Values.database }}
{{- with .Values.migration.database.user }}
{{- $_ := set $db "user" . }}
{{- end }}
{{- with .Values.migration.database.auth }}
{{- $_ := set $db "auth" (deepCopy .) }}
{{- end }}
{{- toYaml $db }}
{{- end }}

{{/* ServiceAccount of the migration Job. */}}
{{- define "publisher.migrationServiceAccountName" -}}
{{- if .Values.migration.serviceAccount.create }}
{{- .Values.migration.serviceAccount.name | default (include "pubsub-ingest.fullnameWith" (list . "migrate")) }}
{{- else }}
{{- .Values.migration.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{/* Whether the release renders the Amazon RDS CA bundle ("true" or ""). */}}
{{- define "publisher.rdsCaBundle" -}}
{{- if .Values.database.tls.rdsCaBundle }}true{{ end }}
{{- end }}

{{/*
Checks the schema cannot express, with the library's common checks. Fails
rendering with a clear message.
*/}}
{{- define "publisher.validateValues" -}}
{{- $errors := list }}
{{- $needMs := add (mul (int .Values.lifecycle.preStopSleepSeconds) 1000) (int .Values.config.shutdownTimeoutMs) }}
{{- if lt (mul (int .Values.terminationGracePeriodSeconds) 1000) $needMs }}
{{- $errors = append $errors (printf "terminationGracePeriodSeconds (%d) must cover lifecycle.preStopSleepSeconds + config.shutdownTimeoutMs (%dms), or in-flight requests are killed" (int .Values.terminationGracePeriodSeconds) $needMs) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (not .Values.autoscaling.targetCPUUtilizationPercentage) (not .Values.autoscaling.targetMemoryUtilizationPercentage) }}
{{- $errors = append $errors "autoscaling: set autoscaling.targetCPUUtilizationPercentage and/or autoscaling.targetMemoryUtilizationPercentage" }}
{{- end }}
{{- if .Values.migration.enabled }}
{{- $mdb := include "publisher.migrationDatabase" . | fromYaml }}
{{- if .Values.migration.database }}
{{- range (include "pubsub-ingest.databaseErrors" (dict "ctx" . "database" $mdb) | fromJsonArray) }}
{{- $errors = append $errors (printf "migration: %s" .) }}
{{- end }}
{{- end }}
{{- if and (ne $mdb.auth.method "secret") (not .Values.migration.serviceAccount.roleArn) (not (and (not .Values.migration.serviceAccount.create) .Values.migration.serviceAccount.name)) }}
{{- $errors = append $errors (printf "migration.serviceAccount.roleArn is required: with database auth method %s the migration Job needs an IRSA role to fetch its credentials" $mdb.auth.method) }}
{{- end }}
{{- end }}
{{- if eq (int .Values.containerPorts.health) (int .Values.containerPorts.http) }}
{{- $errors = append $errors (printf "containerPorts.health (%d) must differ from containerPorts.http: health, readiness and metrics have a listener of their own" (int .Values.containerPorts.health)) }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (ne .Values.service.type "ClusterIP") }}
{{- $errors = append $errors (printf "metrics.serviceMonitor needs service.type ClusterIP (not %s): only then does the Service carry the health port, which a %s would expose beyond the cluster" .Values.service.type .Values.service.type) }}
{{- end }}
{{- range (include "pubsub-ingest.authErrors" . | fromJsonArray) }}
{{- $errors = append $errors . }}
{{- end }}
{{- include "pubsub-ingest.validate" (dict "ctx" . "errors" $errors) }}
{{- end }}
