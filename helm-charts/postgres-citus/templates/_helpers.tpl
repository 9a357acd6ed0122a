{{/*
Expand the name of the chart.
*/}}
{{- define "postgres-citus.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
Truncated at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "postgres-citus.fullname" -}}
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
{{- define "postgres-citus.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "postgres-citus.labels" -}}
helm.sh/chart: {{ include "postgres-citus.chart" . }}
{{ include "postgres-citus.selectorLabels" . }}
app.kubernetes.io/version: {{ include "postgres-citus.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pubsub-ingest
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels (every pod of the release: API and migration).
*/}}
{{- define "postgres-citus.selectorLabels" -}}
app.kubernetes.io/name: {{ include "postgres-citus.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Selector labels of one role. Usage: include "postgres-citus.roleSelectorLabels" (dict "ctx" $ "role" "worker")
*/}}
{{- define "postgres-citus.roleSelectorLabels" -}}
{{ include "postgres-citus.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{/*
Common annotations (a YAML map, possibly empty).
*/}}
{{- define "postgres-citus.annotations" -}}
{{- with .Values.commonAnnotations }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "postgres-citus.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "postgres-citus.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Application version: the image tag, or the chart appVersion.
*/}}
{{- define "postgres-citus.version" -}}
{{- .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Container image reference; a digest wins over the tag.
*/}}
{{- define "postgres-citus.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}


{{/*
Secret with the password, and the key in it.
*/}}
{{- define "postgres-citus.secretName" -}}
{{- .Values.auth.existingSecret | default (include "postgres-citus.fullname" .) }}
{{- end }}
{{- define "postgres-citus.secretPasswordKey" -}}
{{- ternary .Values.auth.existingSecretPasswordKey "password" (ne .Values.auth.existingSecret "") }}
{{- end }}

{{/*
Service names and DNS names of the nodes.
*/}}
{{- define "postgres-citus.coordinatorName" -}}
{{- printf "%s-coordinator" (include "postgres-citus.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "postgres-citus.coordinatorHeadless" -}}
{{- printf "%s-coordinator-hl" (include "postgres-citus.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "postgres-citus.workerName" -}}
{{- printf "%s-worker" (include "postgres-citus.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "postgres-citus.workerHeadless" -}}
{{- printf "%s-worker-hl" (include "postgres-citus.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "postgres-citus.coordinatorHost" -}}
{{- printf "%s-0.%s.%s.svc.%s" (include "postgres-citus.coordinatorName" .) (include "postgres-citus.coordinatorHeadless" .) .Release.Namespace .Values.clusterDomain }}
{{- end }}

{{/*
Environment of the PostgreSQL containers. PGPASSWORD stays set in the
Citus image: the coordinator uses it to connect to the workers.
*/}}
{{- define "postgres-citus.nodeEnv" -}}
- name: POSTGRES_USER
  value: {{ .Values.auth.username | quote }}
- name: POSTGRES_DB
  value: {{ .Values.auth.database | quote }}
- name: POSTGRES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "postgres-citus.secretName" . }}
      key: {{ include "postgres-citus.secretPasswordKey" . }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "postgres-citus.secretName" . }}
      key: {{ include "postgres-citus.secretPasswordKey" . }}
- name: PGDATA
  value: /var/lib/postgresql/data/pgdata
- name: POSTGRES_HOST_AUTH_METHOD
  value: {{ .Values.postgresql.hostAuthMethod | quote }}
- name: POSTGRES_INITDB_ARGS
  value: {{ .Values.postgresql.initdbArgs | quote }}
{{- end }}

{{/*
Arguments of the PostgreSQL server.
*/}}
{{- define "postgres-citus.args" -}}
- postgres
- -c
- listen_addresses=*
- -c
- port={{ .Values.postgresql.port }}
{{- range $k, $v := .Values.postgresql.parameters }}
- -c
- {{ printf "%s=%v" $k $v | quote }}
{{- end }}
{{- end }}

{{/*
A pod of one role (StatefulSet pod template spec).
Usage: include "postgres-citus.podSpec" (dict "ctx" $ "role" "worker" "values" .Values.worker)
*/}}
{{- define "postgres-citus.podSpec" -}}
{{- $ctx := .ctx -}}
serviceAccountName: {{ include "postgres-citus.serviceAccountName" $ctx }}
automountServiceAccountToken: {{ $ctx.Values.automountServiceAccountToken }}
{{- with $ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $ctx.Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
terminationGracePeriodSeconds: {{ $ctx.Values.terminationGracePeriodSeconds }}
securityContext:
  {{- toYaml $ctx.Values.podSecurityContext | nindent 2 }}
containers:
  - name: postgres
    image: {{ include "postgres-citus.image" $ctx | quote }}
    imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
    args:
      {{- include "postgres-citus.args" $ctx | nindent 6 }}
    securityContext:
      {{- toYaml $ctx.Values.containerSecurityContext | nindent 6 }}
    ports:
      - name: postgresql
        containerPort: {{ $ctx.Values.postgresql.port }}
        protocol: TCP
    env:
      {{- include "postgres-citus.nodeEnv" $ctx | nindent 6 }}
    {{- range $probe := list "startupProbe" "livenessProbe" "readinessProbe" }}
    {{- $p := index $ctx.Values $probe }}
    {{- if $p.enabled }}
    {{ $probe }}:
      exec:
        command:
          - /bin/sh
          - -c
          - exec pg_isready -q -h 127.0.0.1 -p {{ $ctx.Values.postgresql.port }} -U "$POSTGRES_USER" -d "$POSTGRES_DB"
      initialDelaySeconds: {{ $p.initialDelaySeconds }}
      periodSeconds: {{ $p.periodSeconds }}
      timeoutSeconds: {{ $p.timeoutSeconds }}
      failureThreshold: {{ $p.failureThreshold }}
      successThreshold: {{ $p.successThreshold }}
    {{- end }}
    {{- end }}
    resources:
      {{- toYaml .values.resources | nindent 6 }}
    volumeMounts:
      - name: data
        mountPath: /var/lib/postgresql/data
      - name: run
        mountPath: /var/run/postgresql
      - name: tmp
        mountPath: /tmp
      - name: shm
        mountPath: /dev/shm
volumes:
  - name: run
    emptyDir:
      sizeLimit: {{ $ctx.Values.tmpVolume.sizeLimit }}
  - name: tmp
    emptyDir:
      sizeLimit: {{ $ctx.Values.tmpVolume.sizeLimit }}
  - name: shm
    emptyDir:
      medium: Memory
      sizeLimit: {{ $ctx.Values.shmVolume.sizeLimit }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
affinity:
{{- if .values.affinity }}
  {{- toYaml .values.affinity | nindent 2 }}
{{- else }}
  podAntiAffinity:
    {{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (include "postgres-citus.roleSelectorLabels" (dict "ctx" $ctx "role" .role) | fromYaml)) }}
    {{- if eq $ctx.Values.podAntiAffinityPreset "hard" }}
    requiredDuringSchedulingIgnoredDuringExecution:
      {{- toYaml (list $term) | nindent 6 }}
    {{- else }}
    preferredDuringSchedulingIgnoredDuringExecution:
      {{- toYaml (list (dict "weight" 100 "podAffinityTerm" $term)) | nindent 6 }}
    {{- end }}
{{- end }}
{{- end }}

{{/*
Persistent volume claim template of one role.
*/}}
{{- define "postgres-citus.volumeClaimTemplate" -}}
- metadata:
    name: data
    labels:
      {{- include "postgres-citus.roleSelectorLabels" (dict "ctx" .ctx "role" .role) | nindent 6 }}
  spec:
    accessModes:
      {{- toYaml .values.persistence.accessModes | nindent 6 }}
    {{- with .values.persistence.storageClass }}
    storageClassName: {{ . | quote }}
    {{- end }}
    resources:
      requests:
        storage: {{ .values.persistence.size }}
{{- end }}

{{/*
Space-separated DNS names of every worker.
*/}}
{{- define "postgres-citus.workerHosts" -}}
{{- $hosts := list }}
{{- range $i := until (int .Values.worker.replicaCount) }}
{{- $hosts = append $hosts (printf "%s-%d.%s.%s.svc.%s" (include "postgres-citus.workerName" $) $i (include "postgres-citus.workerHeadless" $) $.Release.Namespace $.Values.clusterDomain) }}
{{- end }}
{{- join " " $hosts }}
{{- end }}
