{{/*
Objects the publisher and subscriber charts render the same way. Each takes
the chart's root context; the chart's template file decides whether to
render it.
*/}}

{{/* ConfigMap of the plain settings ("pubsub-ingest.config" of the chart). */}}
{{- define "pubsub-ingest.configMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "pubsub-ingest.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "pubsub-ingest.labels" . | nindent 4 }}
  {{- with (include "pubsub-ingest.annotations" .) }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
data:
  {{- include "pubsub-ingest.config" . | trim | nindent 2 }}
{{- end }}

{{/*
A ServiceAccount with its IRSA role. Usage:
  include "pubsub-ingest.serviceAccountObject" (dict "ctx" . "name" NAME "roleArn" ARN "annotations" MAP "automount" BOOL "hook" BOOL)
*/}}
{{- define "pubsub-ingest.serviceAccountObject" -}}
{{- $ctx := .ctx }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .name }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "pubsub-ingest.labels" $ctx | nindent 4 }}
  {{- $annotations := merge (dict) (.annotations | default dict) $ctx.Values.commonAnnotations }}
  {{- with .roleArn }}
  {{- $_ := set $annotations "eks.amazonaws.com/role-arn" . }}
  {{- end }}
  {{- if .hook }}
  {{- $_ := set $annotations "helm.sh/hook" "pre-install,pre-upgrade" }}
  {{- $_ := set $annotations "helm.sh/hook-weight" "-20" }}
  {{- $_ := set $annotations "helm.sh/hook-delete-policy" "before-hook-creation" }}
  {{- $_ := set $annotations "argocd.argoproj.io/hook" "PreSync" }}
  {{- $_ := set $annotations "argocd.argoproj.io/hook-delete-policy" "BeforeHookCreation" }}
  {{- $_ := set $annotations "argocd.argoproj.io/sync-wave" "-20" }}
  {{- end }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .automount }}
{{- end }}

{{/* The workload's ServiceAccount. */}}
{{- define "pubsub-ingest.serviceAccount" -}}
{{- include "pubsub-ingest.serviceAccountObject" (dict "ctx" . "name" (include "pubsub-ingest.serviceAccountName" .) "roleArn" .Values.serviceAccount.roleArn "annotations" .Values.serviceAccount.annotations "automount" .Values.serviceAccount.automountServiceAccountToken "hook" false) }}
{{- end }}

{{/*
External Secrets ExternalSecret keeping the database Secret in sync. Usage:
  include "pubsub-ingest.externalSecret" (dict "ctx" . "hook" BOOL)
With hook (a pre-install/pre-upgrade hook reads the Secret), it is created as
an earlier hook and its Secret is orphaned, so that it survives the
replacement on upgrades.
*/}}
{{- define "pubsub-ingest.externalSecret" -}}
{{- $ctx := .ctx }}
{{- $es := $ctx.Values.database.externalSecret }}
{{- $name := include "pubsub-ingest.databaseSecretName" (dict "ctx" $ctx "database" $ctx.Values.database) }}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ $name }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "pubsub-ingest.labels" $ctx | nindent 4 }}
  {{- if or .hook (include "pubsub-ingest.annotations" $ctx) }}
  annotations:
    {{- with (include "pubsub-ingest.annotations" $ctx) }}
    {{- . | nindent 4 }}
    {{- end }}
    {{- if .hook }}
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
    argocd.argoproj.io/sync-wave: "-10"
    {{- end }}
  {{- end }}
spec:
  refreshInterval: {{ $es.refreshInterval }}
  secretStoreRef:
    name: {{ $es.secretStoreRef.name }}
    kind: {{ $es.secretStoreRef.kind }}
  target:
    name: {{ $name }}
    creationPolicy: {{ ternary "Orphan" "Owner" .hook }}
  data:
    - secretKey: password
      remoteRef:
        key: {{ $es.remoteRef.key | quote }}
        property: {{ $es.remoteRef.passwordProperty | quote }}
    {{- with $es.remoteRef.usernameProperty }}
    - secretKey: username
      remoteRef:
        key: {{ $es.remoteRef.key | quote }}
        property: {{ . | quote }}
    {{- end }}
{{- end }}

{{/* PodDisruptionBudget of the workload. */}}
{{- define "pubsub-ingest.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "pubsub-ingest.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "pubsub-ingest.componentLabels" . | nindent 4 }}
  {{- with (include "pubsub-ingest.annotations" .) }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  {{- if not (kindIs "invalid" .Values.pdb.minAvailable) }}
  minAvailable: {{ .Values.pdb.minAvailable }}
  {{- else if not (kindIs "invalid" .Values.pdb.maxUnavailable) }}
  maxUnavailable: {{ .Values.pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "pubsub-ingest.componentSelectorLabels" . | nindent 6 }}
{{- end }}

{{/*
VerticalPodAutoscaler of the workload. In updateMode "Off" it only recommends requests (kubectl
describe vpa), so it sits beside the HPA or KEDA, which scale on CPU or queue depth, without fighting them.
*/}}
{{- define "pubsub-ingest.vpa" -}}
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: {{ include "pubsub-ingest.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "pubsub-ingest.componentLabels" . | nindent 4 }}
  {{- with (include "pubsub-ingest.annotations" .) }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "pubsub-ingest.fullname" . }}
  updatePolicy:
    updateMode: {{ .Values.verticalPodAutoscaler.updateMode | quote }}
  resourcePolicy:
    containerPolicies:
      - containerName: {{ .Chart.Name }}
        controlledResources:
          {{- toYaml .Values.verticalPodAutoscaler.controlledResources | nindent 10 }}
        {{- with .Values.verticalPodAutoscaler.minAllowed }}
        minAllowed:
          {{- toYaml . | nindent 10 }}
        {{- end }}
        {{- with .Values.verticalPodAutoscaler.maxAllowed }}
        maxAllowed:
          {{- toYaml . | nindent 10 }}
        {{- end }}
{{- end }}

{{/* HorizontalPodAutoscaler of the workload, on CPU and/or memory. */}}
{{- define "pubsub-ingest.hpa" -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "pubsub-ingest.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "pubsub-ingest.componentLabels" . | nindent 4 }}
  {{- with (include "pubsub-ingest.annotations" .) }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "pubsub-ingest.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    {{- with .Values.autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  {{- with .Values.autoscaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* ServiceMonitor scraping /metrics on the workload's health port, a port of its Service. */}}
{{- define "pubsub-ingest.serviceMonitor" -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "pubsub-ingest.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "pubsub-ingest.labels" . | nindent 4 }}
    {{- with .Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with (include "pubsub-ingest.annotations" .) }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  selector:
    matchLabels:
      {{- include "pubsub-ingest.componentSelectorLabels" . | nindent 6 }}
  endpoints:
    - port: {{ (include "pubsub-ingest.healthPort" . | fromYaml).name }}
      path: /metrics
      interval: {{ .Values.metrics.serviceMonitor.interval }}
      scrapeTimeout: {{ .Values.metrics.serviceMonitor.scrapeTimeout }}
{{- end }}

{{/*
NetworkPolicy of every pod of the release (the workload and its Jobs):
ingress to the workload's port from the release namespace and the listed
peers and CIDRs, and to its health port from networkPolicy.ingress.health.from
(where the health port is a port of its own, the API's peers do not reach
it: /metrics is for the scrapers); egress to DNS, the database port, HTTPS
for the AWS APIs, and the extra rules. The kubelet's probes come from the
node, which a NetworkPolicy always admits.
*/}}
{{- define "pubsub-ingest.networkPolicy" -}}
{{- $np := .Values.networkPolicy }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "pubsub-ingest.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "pubsub-ingest.labels" . | nindent 4 }}
  {{- with (include "pubsub-ingest.annotations" .) }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  podSelector:
    matchLabels:
      {{- include "pubsub-ingest.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    {{- $peers := list }}
    {{- if $np.ingress.allowSameNamespace }}
    {{- $peers = append $peers (dict "podSelector" (dict)) }}
    {{- end }}
    {{- range $np.ingress.cidrs }}
    {{- $peers = append $peers (dict "ipBlock" (dict "cidr" .)) }}
    {{- end }}
    {{- $peers = concat $peers $np.ingress.from }}
    {{- if $peers }}
    - from:
        {{- toYaml $peers | nindent 8 }}
      ports:
        - port: {{ (include "pubsub-ingest.port" . | fromYaml).name }}
          protocol: TCP
    {{- end }}
    {{- with dig "health" "from" (list) $np.ingress }}
    - from:
        {{- toYaml . | nindent 8 }}
      ports:
        - port: {{ (include "pubsub-ingest.healthPort" $ | fromYaml).name }}
          protocol: TCP
    {{- end }}
  egress:
    {{- if $np.egress.dns.enabled }}
    - to:
        {{- toYaml $np.egress.dns.to | nindent 8 }}
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    {{- end }}
    {{- $db := $np.egress.database.to }}
    {{- range $np.egress.database.cidrs }}
    {{- $db = append $db (dict "ipBlock" (dict "cidr" .)) }}
    {{- end }}
    {{- with $db }}
    - to:
        {{- toYaml . | nindent 8 }}
      ports:
        - port: {{ $.Values.database.port }}
          protocol: TCP
    {{- end }}
    {{- with $np.egress.aws.cidrs }}
    - to:
        {{- range . }}
        - ipBlock:
            cidr: {{ . }}
        {{- end }}
      ports:
        - port: 443
          protocol: TCP
    {{- end }}
    {{- with $np.egress.extra }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}

{{/*
Deployment of the workload: one container named after the chart, its port
and its health port (when that is a port of its own), probes on the health
port, the settings from the ConfigMap, the database credentials, and the
restricted security context.
*/}}
{{- define "pubsub-ingest.deployment" -}}
{{- $port := include "pubsub-ingest.port" . | fromYaml }}
{{- $health := include "pubsub-ingest.healthPort" . | fromYaml }}
{{- $db := dict "ctx" . "database" .Values.database }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "pubsub-ingest.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "pubsub-ingest.componentLabels" . | nindent 4 }}
  {{- with (include "pubsub-ingest.annotations" .) }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ .Values.revisionHistoryLimit }}
  {{- with .Values.updateStrategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "pubsub-ingest.componentSelectorLabels" . | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/config: {{ include "pubsub-ingest.config" . | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "pubsub-ingest.componentLabels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "pubsub-ingest.serviceAccountName" . }}
      automountServiceAccountToken: {{ .Values.automountServiceAccountToken }}
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "pubsub-ingest.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          securityContext:
            {{- toYaml .Values.containerSecurityContext | nindent 12 }}
          ports:
            - name: {{ $port.name }}
              containerPort: {{ $port.port }}
              protocol: TCP
            {{- if ne $health.name $port.name }}
            - name: {{ $health.name }}
              containerPort: {{ $health.port }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ include "pubsub-ingest.fullname" . }}
          {{- $env := include "pubsub-ingest.databaseSecretEnv" $db | trim }}
          {{- if or $env .Values.extraEnv }}
          env:
            {{- with $env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with .Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          {{- range $probe := list "startupProbe" "livenessProbe" "readinessProbe" }}
          {{- $p := index $.Values $probe }}
          {{- if $p.enabled }}
          {{ $probe }}:
            httpGet:
              path: {{ $p.path }}
              port: {{ $health.name }}
            initialDelaySeconds: {{ $p.initialDelaySeconds }}
            periodSeconds: {{ $p.periodSeconds }}
            timeoutSeconds: {{ $p.timeoutSeconds }}
            failureThreshold: {{ $p.failureThreshold }}
            successThreshold: {{ $p.successThreshold }}
          {{- end }}
          {{- end }}
          {{- $preStop := 0 }}
          {{- if hasKey .Values "lifecycle" }}{{ $preStop = int .Values.lifecycle.preStopSleepSeconds }}{{ end }}
          {{- if gt $preStop 0 }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $preStop }}
          {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          volumeMounts:
            {{- include "pubsub-ingest.volumeMounts" $db | nindent 12 }}
            {{- include "pubsub-ingest.authVolumeMounts" . | nindent 12 }}
            {{- with .Values.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "pubsub-ingest.volumes" $db | nindent 8 }}
        {{- include "pubsub-ingest.authVolumes" . | nindent 8 }}
        {{- with .Values.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- include "pubsub-ingest.topologySpreadConstraints" (dict "constraints" . "selector" (include "pubsub-ingest.componentSelectorLabels" $)) | nindent 8 }}
      {{- end }}
{{- end }}

{{/*
Fails rendering with every problem found. Usage:
  include "pubsub-ingest.validate" (dict "ctx" . "errors" CHART_SPECIFIC_ERRORS)
adds the checks common to both charts.
*/}}
{{- define "pubsub-ingest.validate" -}}
{{- $ctx := .ctx }}
{{- $v := $ctx.Values }}
{{- $errors := concat (include "pubsub-ingest.databaseErrors" (dict "ctx" $ctx "database" $v.database) | fromJsonArray) .errors }}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- $errors = append $errors "autoscaling.minReplicas must not be greater than autoscaling.maxReplicas" }}
{{- end }}
{{- if $v.pdb.create }}
{{- $min := not (kindIs "invalid" $v.pdb.minAvailable) }}
{{- $max := not (kindIs "invalid" $v.pdb.maxUnavailable) }}
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
