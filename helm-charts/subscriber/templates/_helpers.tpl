{{/*
The subscriber's part of the templates; the rest comes from the library chart
pubsub-ingest-common (charts/pubsub-ingest-common).
*/}}

{{/* Hooks of the library chart. */}}
{{- define "pubsub-ingest.component" -}}worker{{- end }}

{{- define "pubsub-ingest.port" -}}
name: metrics
port: {{ .Values.containerPorts.health }}
{{- end }}

{{/* The workload's port is its health port. */}}
{{- define "pubsub-ingest.healthPort" -}}
{{ include "pubsub-ingest.port" . }}
{{- end }}

{{/* Plain settings, as a map of environment variable name to string value. */}}
{{- define "pubsub-ingest.config" -}}
AWS_REGION: {{ .Values.config.awsRegion | quote }}
{{- with .Values.config.awsEndpointUrl }}
AWS_ENDPOINT_URL: {{ . | quote }}
{{- end }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
QUEUE_URL: {{ .Values.config.queueUrl | quote }}
POLLERS: {{ .Values.config.pollers | quote }}
BATCH_SIZE: {{ .Values.config.batchSize | quote }}
BATCH_LINGER_MS: {{ .Values.config.batchLingerMs | quote }}
VISIBILITY_TIMEOUT_SECONDS: {{ .Values.config.visibilityTimeoutSeconds | quote }}
HEALTH_HOST: {{ .Values.config.healthHost | quote }}
HEALTH_PORT: {{ .Values.containerPorts.health | quote }}
SHUTDOWN_TIMEOUT_MS: {{ .Values.config.shutdownTimeoutMs | quote }}
{{- include "pubsub-ingest.databaseConfig" (dict "ctx" . "database" .Values.database) }}
{{- end }}

{{/*
Checks the schema cannot express, with the library's common checks. Fails
rendering with a clear message.
*/}}
{{- define "subscriber.validateValues" -}}
{{- $errors := list }}
{{- $grace := int .Values.terminationGracePeriodSeconds }}
{{- if lt (mul $grace 1000) (int .Values.config.shutdownTimeoutMs) }}
{{- $errors = append $errors (printf "terminationGracePeriodSeconds (%d) must cover config.shutdownTimeoutMs (%dms), or the drain is cut short and batches are redelivered" $grace (int .Values.config.shutdownTimeoutMs)) }}
{{- end }}
{{- if lt $grace (int .Values.config.visibilityTimeoutSeconds) }}
{{- $errors = append $errors (printf "terminationGracePeriodSeconds (%d) must be at least config.visibilityTimeoutSeconds (%d): draining may take up to the visibility timeout" $grace (int .Values.config.visibilityTimeoutSeconds)) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (not .Values.autoscaling.keda.enabled) (lt (int .Values.autoscaling.minReplicas) 1) }}
{{- $errors = append $errors "autoscaling.minReplicas must be at least 1 with the HorizontalPodAutoscaler (only KEDA scales to zero, via autoscaling.keda.idleReplicaCount)" }}
{{- end }}
{{- if and .Values.autoscaling.enabled .Values.autoscaling.keda.enabled (not (kindIs "invalid" .Values.autoscaling.keda.idleReplicaCount)) (ge (int .Values.autoscaling.keda.idleReplicaCount) (int .Values.autoscaling.minReplicas)) }}
{{- $errors = append $errors "autoscaling.keda.idleReplicaCount must be lower than autoscaling.minReplicas" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (not .Values.autoscaling.keda.enabled) (not .Values.autoscaling.targetCPUUtilizationPercentage) (not .Values.autoscaling.targetMemoryUtilizationPercentage) }}
{{- $errors = append $errors "autoscaling: the HorizontalPodAutoscaler needs autoscaling.targetCPUUtilizationPercentage and/or autoscaling.targetMemoryUtilizationPercentage (or enable autoscaling.keda)" }}
{{- end }}
{{- include "pubsub-ingest.validate" (dict "ctx" . "errors" $errors) }}
{{- end }}

{{/*
Queue names as seen in the CloudWatch metrics: metrics.prometheusRule.queueName
and dlqName (the Terraform outputs give both), or derived from config.queueUrl.
*/}}
{{- define "subscriber.queueName" -}}
{{- .Values.metrics.prometheusRule.queueName | default (base .Values.config.queueUrl) }}
{{- end }}
{{- define "subscriber.dlqName" -}}
{{- $q := include "subscriber.queueName" . }}
{{- if hasSuffix ".fifo" $q }}
{{- .Values.metrics.prometheusRule.dlqName | default (printf "%s-dlq.fifo" (trimSuffix ".fifo" $q)) }}
{{- else }}
{{- .Values.metrics.prometheusRule.dlqName | default (printf "%s-dlq" $q) }}
{{- end }}
{{- end }}
