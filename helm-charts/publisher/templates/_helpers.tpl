{{/*
Expand the name of the chart.
*/}}
{{- define "publisher.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
Truncated at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "publisher.fullname" -}}
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
{{- define "publisher.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "publisher.labels" -}}
helm.sh/chart: {{ include "publisher.chart" . }}
{{ include "publisher.selectorLabels" . }}
app.kubernetes.io/version: {{ include "publisher.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pubsub-ingest
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels (every pod of the release: API and migration).
*/}}
{{- define "publisher.selectorLabels" -}}
app.kubernetes.io/name: {{ include "publisher.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Selector labels of the API pods only (Deployment, Service, PDB).
*/}}
{{- define "publisher.apiSelectorLabels" -}}
{{ include "publisher.selectorLabels" . }}
app.kubernetes.io/component: api
{{- end }}

{{/*
Common annotations (a YAML map, possibly empty).
*/}}
{{- define "publisher.annotations" -}}
{{- with .Values.commonAnnotations }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "publisher.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "publisher.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Application version: the image tag, or the chart appVersion.
*/}}
{{- define "publisher.version" -}}
{{- .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Container image reference; a digest wins over the tag.
*/}}
{{- define "publisher.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Name of the Secret holding the database credentials.
*/}}
{{- define "publisher.databaseSecretName" -}}
{{- if .Values.database.externalSecret.enabled }}
{{- printf "%s-db" (include "publisher.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- .Values.database.existingSecret.name }}
{{- end }}
{{- end }}

{{/*
Key of the database user in the Secret ("" when the user is plain config).
*/}}
{{- define "publisher.databaseUserKey" -}}
{{- if .Values.database.externalSecret.enabled }}
{{- if .Values.database.externalSecret.remoteRef.usernameProperty }}username{{ end }}
{{- else }}
{{- .Values.database.existingSecret.userKey }}
{{- end }}
{{- end }}

{{/*
Plain settings, as a map of environment variable name to string value.
Rendered into the ConfigMap, and inline into the migration hook Job (which
runs before the ConfigMap exists on first install).
*/}}
{{- define "publisher.config" -}}
{{- $topics := list }}
{{- range .Values.config.allowedTopics }}
{{- $topics = append $topics (printf "%s=%s" .name .arn) }}
{{- end }}
AWS_REGION: {{ .Values.config.awsRegion | quote }}
{{- with .Values.config.awsEndpointUrl }}
AWS_ENDPOINT_URL: {{ . | quote }}
{{- end }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
HOST: {{ .Values.config.host | quote }}
PORT: {{ .Values.containerPorts.http | quote }}
ALLOWED_TOPICS: {{ join "," $topics | quote }}
PUBLISH_LINGER_MS: {{ .Values.config.publishLingerMs | quote }}
PUBLISH_MAX_IN_FLIGHT: {{ .Values.config.publishMaxInFlight | quote }}
SHUTDOWN_TIMEOUT_MS: {{ .Values.config.shutdownTimeoutMs | quote }}
{{- with .Values.database.host }}
PGHOST: {{ . | quote }}
{{- end }}
PGPORT: {{ .Values.database.port | quote }}
PGDATABASE: {{ .Values.database.name | quote }}
{{- if not (include "publisher.databaseUserKey" .) }}
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
{{- define "publisher.databaseSecretEnv" -}}
{{- $secret := include "publisher.databaseSecretName" . -}}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ ternary "password" .Values.database.existingSecret.passwordKey .Values.database.externalSecret.enabled }}
{{- with (include "publisher.databaseUserKey" .) }}
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
Volumes shared by the API pods and the migration Job.
*/}}
{{- define "publisher.volumes" -}}
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

{{- define "publisher.volumeMounts" -}}
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
{{- define "publisher.validateValues" -}}
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
{{- $needMs := add (mul (int .Values.lifecycle.preStopSleepSeconds) 1000) (int .Values.config.shutdownTimeoutMs) }}
{{- if lt (mul (int .Values.terminationGracePeriodSeconds) 1000) $needMs }}
{{- $errors = append $errors (printf "terminationGracePeriodSeconds (%d) must cover lifecycle.preStopSleepSeconds + config.shutdownTimeoutMs (%dms), or in-flight requests are killed" (int .Values.terminationGracePeriodSeconds) $needMs) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- $errors = append $errors "autoscaling.minReplicas must not be greater than autoscaling.maxReplicas" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (not .Values.autoscaling.targetCPUUtilizationPercentage) (not .Values.autoscaling.targetMemoryUtilizationPercentage) }}
{{- $errors = append $errors "autoscaling: set autoscaling.targetCPUUtilizationPercentage and/or autoscaling.targetMemoryUtilizationPercentage" }}
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
Usage: include "publisher.topologySpreadConstraints" (dict "constraints" LIST "selector" YAML_STRING)
*/}}
{{- define "publisher.topologySpreadConstraints" -}}
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
