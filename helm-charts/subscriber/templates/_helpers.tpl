{{/*
Expand the name of the chart.
*/}}
{{- define "subscriber.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
Truncated at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "subscriber.fullname" -}}
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

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "subscriber.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "subscriber.labels" -}}
helm.sh/chart: {{ include "subscriber.chart" . }}
{{ include "subscriber.selectorLabels" . }}
app.kubernetes.io/version: {{ include "subscriber.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pubsub-ingest
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels (every pod of the release).
*/}}
{{- define "subscriber.selectorLabels" -}}
app.kubernetes.io/name: {{ include "subscriber.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Selector labels of the worker pods (Deployment, Service, PDB).
*/}}
{{- define "subscriber.workerSelectorLabels" -}}
{{ include "subscriber.selectorLabels" . }}
app.kubernetes.io/component: worker
{{- end }}

{{/*
Common annotations (a YAML map, possibly empty).
*/}}
{{- define "subscriber.annotations" -}}
{{- with .Values.commonAnnotations }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "subscriber.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "subscriber.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Application version: the image tag, or the chart appVersion.
*/}}
{{- define "subscriber.version" -}}
{{- .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Container image reference; a digest wins over the tag.
*/}}
{{- define "subscriber.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Name of the Secret holding the database credentials.
*/}}
{{- define "subscriber.databaseSecretName" -}}
{{- if .Values.database.externalSecret.enabled }}
{{- printf "%s-db" (include "subscriber.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- .Values.database.existingSecret.name }}
{{- end }}
{{- end }}

{{/*
Key of the database user in the Secret ("" when the user is plain config).
*/}}
{{- define "subscriber.databaseUserKey" -}}
{{- if .Values.database.externalSecret.enabled }}
{{- if .Values.database.externalSecret.remoteRef.usernameProperty }}username{{ end }}
{{- else }}
{{- .Values.database.existingSecret.userKey }}
{{- end }}
{{- end }}

{{/*
Plain settings, as a map of environment variable name to string value.
*/}}
{{- define "subscriber.config" -}}
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
{{- with .Values.database.host }}
PGHOST: {{ . | quote }}
{{- end }}
PGPORT: {{ .Values.database.port | quote }}
PGDATABASE: {{ .Values.database.name | quote }}
{{- if not (include "subscriber.databaseUserKey" .) }}
PGUSER: {{ .Values.database.user | quote }}
{{- end }}
PGSSLMODE: {{ .Values.database.sslMode | quote }}
DATABASE_POOL_SIZE: {{ .Values.database.poolSize | quote }}
{{- if .Values.database.tls.caConfigMap.name }}
PGSSLROOTCERT: "/etc/pubsub-ingest/db-ca/{{ .Values.database.tls.caConfigMap.key }}"
NODE_EXTRA_CA_CERTS: "/etc/pubsub-ingest/db-ca/{{ .Values.database.tls.caConfigMap.key }}"
{{- end }}
{{- end }}

{{/*
Environment variables read from the database Secret.
*/}}
{{- define "subscriber.databaseSecretEnv" -}}
{{- $secret := include "subscriber.databaseSecretName" . -}}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ ternary "password" .Values.database.existingSecret.passwordKey .Values.database.externalSecret.enabled }}
{{- with (include "subscriber.databaseUserKey" .) }}
- name: PGUSER
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
{{- end }}
{{- if and (not .Values.database.externalSecret.enabled) .Values.database.existingSecret.urlKey }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ .Values.database.existingSecret.urlKey }}
{{- end }}
{{- end }}

{{/*
Volumes of the worker pods.
*/}}
{{- define "subscriber.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
{{- if .Values.database.tls.caConfigMap.name }}
- name: db-ca
  configMap:
    name: {{ .Values.database.tls.caConfigMap.name }}
    items:
      - key: {{ .Values.database.tls.caConfigMap.key }}
        path: {{ .Values.database.tls.caConfigMap.key }}
{{- end }}
{{- end }}

{{- define "subscriber.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.database.tls.caConfigMap.name }}
- name: db-ca
  mountPath: /etc/pubsub-ingest/db-ca
  readOnly: true
{{- end }}
{{- end }}

{{/*
Checks the schema cannot express. Fails rendering with a clear message.
*/}}
{{- define "subscriber.validateValues" -}}
{{- $errors := list }}
{{- if and (not .Values.database.externalSecret.enabled) (not .Values.database.existingSecret.name) }}
{{- $errors = append $errors "database: set database.existingSecret.name (an existing Secret with the password) or enable database.externalSecret; passwords are never taken from values" }}
{{- end }}
{{- if and .Values.database.externalSecret.enabled (not .Values.database.externalSecret.remoteRef.key) }}
{{- $errors = append $errors "database.externalSecret.remoteRef.key is required when database.externalSecret.enabled is true" }}
{{- end }}
{{- $hasUrl := and (not .Values.database.externalSecret.enabled) .Values.database.existingSecret.urlKey }}
{{- if and (not $hasUrl) (not .Values.database.host) }}
{{- $errors = append $errors "database.host is required unless the connection URL comes from the Secret (database.existingSecret.urlKey)" }}
{{- end }}
{{- $grace := int .Values.terminationGracePeriodSeconds }}
{{- if lt (mul $grace 1000) (int .Values.config.shutdownTimeoutMs) }}
{{- $errors = append $errors (printf "terminationGracePeriodSeconds (%d) must cover config.shutdownTimeoutMs (%dms), or the drain is cut short and batches are redelivered" $grace (int .Values.config.shutdownTimeoutMs)) }}
{{- end }}
{{- if lt $grace (int .Values.config.visibilityTimeoutSeconds) }}
{{- $errors = append $errors (printf "terminationGracePeriodSeconds (%d) must be at least config.visibilityTimeoutSeconds (%d): draining may take up to the visibility timeout" $grace (int .Values.config.visibilityTimeoutSeconds)) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- $errors = append $errors "autoscaling.minReplicas must not be greater than autoscaling.maxReplicas" }}
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
{{- if .Values.pdb.create }}
{{- $min := not (kindIs "invalid" .Values.pdb.minAvailable) }}
{{- $max := not (kindIs "invalid" .Values.pdb.maxUnavailable) }}
{{- if and $min $max }}
{{- $errors = append $errors "pdb: set only one of pdb.minAvailable and pdb.maxUnavailable (set the other to null)" }}
{{- else if not (or $min $max) }}
{{- $errors = append $errors "pdb: set pdb.minAvailable or pdb.maxUnavailable" }}
{{- end }}
{{- end }}
{{- if $errors }}
{{- fail (printf "\n\nVALUES VALIDATION:\n - %s" (join "\n - " $errors)) }}
{{- end }}
{{- end }}

{{/*
Topology spread constraints, with the selector filled in where omitted.
Usage: include "subscriber.topologySpreadConstraints" (dict "constraints" LIST "selector" YAML_STRING)
*/}}
{{- define "subscriber.topologySpreadConstraints" -}}
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

{{/*
Queue names as seen in the CloudWatch metrics.
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
