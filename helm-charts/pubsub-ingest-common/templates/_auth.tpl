{{/*
Bearer-token authentication of a chart with `auth` values (the publisher): the
token file is a Secret mounted as a directory, never with subPath, so the kubelet
swaps in a changed Secret and the service reloads it without a restart.
*/}}

{{- define "pubsub-ingest.authDir" -}}/etc/pubsub-ingest/auth{{- end }}

{{/* The Secret with the token file, or "" when opaque tokens are off. */}}
{{- define "pubsub-ingest.authTokensSecret" -}}
{{- $auth := .Values.auth | default dict }}
{{- if and (eq (toString $auth.mode) "on") $auth.tokens.enabled }}
{{- $auth.tokens.secretName | default (include "pubsub-ingest.fullnameWith" (list . "tokens")) }}
{{- end }}
{{- end }}

{{/* AUTH_* settings for the ConfigMap. */}}
{{- define "pubsub-ingest.authConfig" -}}
{{- $auth := .Values.auth }}
AUTH_MODE: {{ $auth.mode | quote }}
{{- if include "pubsub-ingest.authTokensSecret" . }}
AUTH_TOKENS_FILE: {{ printf "%s/%s" (include "pubsub-ingest.authDir" .) $auth.tokens.key | quote }}
AUTH_TOKENS_RELOAD_SECONDS: {{ $auth.tokens.reloadSeconds | quote }}
{{- end }}
{{- if and (eq (toString $auth.mode) "on") $auth.jwt.jwksUrl }}
AUTH_JWKS_URL: {{ $auth.jwt.jwksUrl | quote }}
AUTH_JWT_ISSUER: {{ $auth.jwt.issuer | quote }}
AUTH_JWT_AUDIENCE: {{ $auth.jwt.audience | quote }}
{{- end }}
{{- end }}

{{- define "pubsub-ingest.authVolumes" -}}
{{- with (include "pubsub-ingest.authTokensSecret" .) }}
- name: auth-tokens
  secret:
    secretName: {{ . }}
    defaultMode: 0440
{{- end }}
{{- end }}

{{- define "pubsub-ingest.authVolumeMounts" -}}
{{- if include "pubsub-ingest.authTokensSecret" . }}
- name: auth-tokens
  mountPath: {{ include "pubsub-ingest.authDir" . }}
  readOnly: true
{{- end }}
{{- end }}

{{/* Problems of the auth values the schema cannot express, as a JSON list. */}}
{{- define "pubsub-ingest.authErrors" -}}
{{- $auth := .Values.auth }}
{{- $errors := list }}
{{- if eq (toString $auth.mode) "on" }}
{{- if not (or $auth.tokens.enabled $auth.jwt.jwksUrl) }}
{{- $errors = append $errors "auth.mode is on: enable auth.tokens, set auth.jwt.jwksUrl, or both" }}
{{- end }}
{{- if and $auth.jwt.jwksUrl (not (and $auth.jwt.issuer $auth.jwt.audience)) }}
{{- $errors = append $errors "auth.jwt.jwksUrl needs auth.jwt.issuer and auth.jwt.audience" }}
{{- end }}
{{- end }}
{{- toJson $errors }}
{{- end }}
