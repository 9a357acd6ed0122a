{{/*
The database connection. Every template here takes
  (dict "ctx" ROOT_CONTEXT "database" DATABASE_VALUES)
so that a Job can connect differently from the Deployment (the publisher's
migration: as the master user, with the secret).

database.auth.method says where the credentials come from:
  secret          PGPASSWORD (and PGUSER, or DATABASE_URL) from a Kubernetes
                  Secret: database.existingSecret, or the Secret that
                  database.externalSecret has External Secrets keep in sync.
                  Read once at start: a rotated password needs a restart.
  secretsManager  DATABASE_SECRET_ARN: the service reads the secret (JSON with
                  username and password, as RDS manages it) from AWS Secrets
                  Manager whenever it opens a connection, with its IRSA role.
                  Survives rotation.
  iam             DATABASE_AUTH=iam: the service signs an IAM authentication
                  token for database.user per connection, with its IRSA role.
*/}}

{{/* Name of the Kubernetes Secret with the credentials (auth method secret). */}}
{{- define "pubsub-ingest.databaseSecretName" -}}
{{- if .database.externalSecret.enabled }}
{{- include "pubsub-ingest.fullnameWith" (list .ctx "db") }}
{{- else }}
{{- .database.existingSecret.name }}
{{- end }}
{{- end }}

{{/* Key of the user name in that Secret ("" when the user is plain config). */}}
{{- define "pubsub-ingest.databaseUserKey" -}}
{{- if eq .database.auth.method "secret" }}
{{- if .database.externalSecret.enabled }}
{{- if .database.externalSecret.remoteRef.usernameProperty }}username{{ end }}
{{- else }}
{{- .database.existingSecret.userKey }}
{{- end }}
{{- end }}
{{- end }}

{{/* Whether the connection URL comes from the Secret ("true" or ""). */}}
{{- define "pubsub-ingest.databaseUrlFromSecret" -}}
{{- if and (eq .database.auth.method "secret") (not .database.externalSecret.enabled) .database.existingSecret.urlKey }}true{{ end }}
{{- end }}

{{/* ConfigMap and key of the CA bundle that signs the database's certificate (YAML: name, key), or "". */}}
{{- define "pubsub-ingest.databaseCa" -}}
{{- if .database.tls.rdsCaBundle }}
name: {{ include "pubsub-ingest.fullnameWith" (list .ctx "rds-ca") }}
key: rds-ca.pem
{{- else if .database.tls.caConfigMap.name }}
name: {{ .database.tls.caConfigMap.name }}
key: {{ .database.tls.caConfigMap.key }}
{{- end }}
{{- end }}

{{/* Plain database settings, as a map of environment variable name to string value. */}}
{{- define "pubsub-ingest.databaseConfig" -}}
{{- $db := .database }}
{{- with $db.host }}
PGHOST: {{ . | quote }}
{{- end }}
PGPORT: {{ $db.port | quote }}
PGDATABASE: {{ $db.name | quote }}
{{- if not (include "pubsub-ingest.databaseUserKey" .) }}
PGUSER: {{ $db.user | quote }}
{{- end }}
PGSSLMODE: {{ $db.sslMode | quote }}
DATABASE_POOL_SIZE: {{ $db.poolSize | quote }}
{{- with (include "pubsub-ingest.databaseCa" . | fromYaml) }}
PGSSLROOTCERT: "/etc/pubsub-ingest/db-ca/{{ .key }}"
NODE_EXTRA_CA_CERTS: "/etc/pubsub-ingest/db-ca/{{ .key }}"
{{- end }}
{{- if eq $db.auth.method "secretsManager" }}
DATABASE_SECRET_ARN: {{ $db.auth.secretArn | quote }}
{{- else if eq $db.auth.method "iam" }}
DATABASE_AUTH: "iam"
{{- end }}
{{- end }}

{{/* Environment variables read from the Kubernetes Secret (auth method secret only). */}}
{{- define "pubsub-ingest.databaseSecretEnv" -}}
{{- $db := .database }}
{{- if eq $db.auth.method "secret" }}
{{- $secret := include "pubsub-ingest.databaseSecretName" . }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ ternary "password" $db.existingSecret.passwordKey $db.externalSecret.enabled }}
{{- with (include "pubsub-ingest.databaseUserKey" .) }}
- name: PGUSER
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
{{- end }}
{{- if include "pubsub-ingest.databaseUrlFromSecret" . }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $db.existingSecret.urlKey }}
{{- end }}
{{- end }}
{{- end }}

{{/* Volumes: the writable /tmp and the database CA bundle. */}}
{{- define "pubsub-ingest.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .ctx.Values.tmpVolume.sizeLimit }}
{{- with (include "pubsub-ingest.databaseCa" . | fromYaml) }}
- name: db-ca
  configMap:
    name: {{ .name }}
    items:
      - key: {{ .key }}
        path: {{ .key }}
{{- end }}
{{- end }}

{{- define "pubsub-ingest.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if include "pubsub-ingest.databaseCa" . }}
- name: db-ca
  mountPath: /etc/pubsub-ingest/db-ca
  readOnly: true
{{- end }}
{{- end }}

{{/* Problems of the database values that the schema cannot express, as a JSON list. */}}
{{- define "pubsub-ingest.databaseErrors" -}}
{{- $db := .database }}
{{- $errors := list }}
{{- if eq $db.auth.method "secret" }}
{{- if and (not $db.externalSecret.enabled) (not $db.existingSecret.name) }}
{{- $errors = append $errors "database: set database.existingSecret.name (an existing Secret with the password) or enable database.externalSecret, or use database.auth.method secretsManager or iam; passwords are never taken from values" }}
{{- end }}
{{- if and $db.externalSecret.enabled (not $db.externalSecret.remoteRef.key) }}
{{- $errors = append $errors "database.externalSecret.remoteRef.key is required when database.externalSecret.enabled is true" }}
{{- end }}
{{- else }}
{{- if $db.externalSecret.enabled }}
{{- $errors = append $errors (printf "database.externalSecret is for database.auth.method secret; with %s the service fetches its credentials itself" $db.auth.method) }}
{{- end }}
{{- if not (has $db.sslMode (list "verify-ca" "verify-full")) }}
{{- $errors = append $errors (printf "database.auth.method %s sends credentials that must not leave for an unverified server: use database.sslMode verify-full (or verify-ca)" $db.auth.method) }}
{{- end }}
{{- if not $db.user }}
{{- $errors = append $errors (printf "database.user is required with database.auth.method %s" $db.auth.method) }}
{{- end }}
{{- end }}
{{- if and (eq $db.auth.method "secretsManager") (not $db.auth.secretArn) }}
{{- $errors = append $errors "database.auth.secretArn is required with database.auth.method secretsManager (the ARN of the secret RDS manages for the user)" }}
{{- end }}
{{- if and (not (include "pubsub-ingest.databaseUrlFromSecret" .)) (not $db.host) }}
{{- $errors = append $errors "database.host is required unless the connection URL comes from the Secret (database.existingSecret.urlKey)" }}
{{- end }}
{{- if and $db.tls.rdsCaBundle $db.tls.caConfigMap.name }}
{{- $errors = append $errors "database.tls: set database.tls.rdsCaBundle or database.tls.caConfigMap.name, not both" }}
{{- end }}
{{- toJson $errors }}
{{- end }}

{{/*
ConfigMap with the Amazon RDS certificate authorities the chart ships
(database.tls.rdsCaBundle). Usage:
  include "pubsub-ingest.rdsCaConfigMap" (dict "ctx" . "hook" BOOL)
With hook, it is created before the pre-install/pre-upgrade hooks that need it
(and kept: it is replaced on every upgrade, never deleted).
*/}}
{{- define "pubsub-ingest.rdsCaConfigMap" -}}
{{- $ctx := .ctx }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "pubsub-ingest.fullnameWith" (list $ctx "rds-ca") }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "pubsub-ingest.labels" $ctx | nindent 4 }}
  annotations:
    {{- with (include "pubsub-ingest.annotations" $ctx) }}
    {{- . | nindent 4 }}
    {{- end }}
    pubsub-ingest/ca-bundle: Amazon RDS certificate authorities
    {{- if .hook }}
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-20"
    helm.sh/hook-delete-policy: before-hook-creation
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
    argocd.argoproj.io/sync-wave: "-20"
    {{- end }}
data:
  rds-ca.pem: |
    {{- include "pubsub-ingest.rdsCaBundle" $ctx | nindent 4 }}
{{- end }}

{{/* One line for NOTES.txt: where the service connects, and where its credentials come from. */}}
{{- define "pubsub-ingest.databaseNote" -}}
{{- $db := .database }}
{{- $secret := include "pubsub-ingest.databaseSecretName" . }}
{{- if include "pubsub-ingest.databaseUrlFromSecret" . }}URL from Secret "{{ $secret }}"{{ else }}{{ $db.host }}:{{ $db.port }}/{{ $db.name }} as {{ $db.user }} (sslmode={{ $db.sslMode }}){{ end }},
{{- if eq $db.auth.method "secret" }} password from Secret "{{ $secret }}"{{ if $db.externalSecret.enabled }} (synced by External Secrets from "{{ $db.externalSecret.remoteRef.key }}"){{ end }}, read at start: restart the pods after a password change
{{- else if eq $db.auth.method "secretsManager" }} password read from Secrets Manager secret "{{ $db.auth.secretArn }}" for each new connection (survives rotation)
{{- else }} IAM authentication tokens for each new connection
{{- end }}
{{- with (include "pubsub-ingest.databaseCa" . | fromYaml) }}; server certificate checked against ConfigMap "{{ .name }}"{{ end }}.
{{- end }}
