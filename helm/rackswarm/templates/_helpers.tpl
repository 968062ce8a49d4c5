{{/* Names and labels shared by every object. */}}
{{- define "rackswarm.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "rackswarm.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: include "rackswarm.selector" (list . "tracker") */}}
{{- define "rackswarm.selector" -}}
{{- $ctx := index . 0 -}}
app.kubernetes.io/name: {{ $ctx.Chart.Name }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "rackswarm.image" -}}
{{- $ctx := index . 0 -}}
{{- printf "%s/%s/rackswarm-%s:%s" $ctx.Values.image.registry $ctx.Values.image.repository (index . 1) (default $ctx.Chart.AppVersion $ctx.Values.image.tag) -}}
{{- end -}}

{{- define "rackswarm.secretName" -}}
{{- default (printf "%s-secrets" (include "rackswarm.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "rackswarm.redisUrl" -}}
{{- if .Values.redis.bundled -}}
{{- printf "redis://%s-redis:6379" (include "rackswarm.fullname" .) -}}
{{- else -}}
{{- required "redis.externalUrl is required when redis.bundled is false" .Values.redis.externalUrl -}}
{{- end -}}
{{- end -}}

{{- define "rackswarm.trackerUrl" -}}
{{- printf "http://%s-tracker.%s.svc:%d" (include "rackswarm.fullname" .) .Release.Namespace (int .Values.tracker.port) -}}
{{- end -}}

{{- define "rackswarm.seederUrl" -}}
{{- printf "http://%s-seeder.%s.svc:%d" (include "rackswarm.fullname" .) .Release.Namespace (int .Values.seeder.port) -}}
{{- end -}}

{{/* Probes on the Quarkus health endpoints of a service's HTTP port. */}}
{{- define "rackswarm.probes" -}}
startupProbe:
  httpGet: {path: /q/health/started, port: http}
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /q/health/live, port: http}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /q/health/ready, port: http}
  periodSeconds: 5
  failureThreshold: 2
{{- end -}}

{{/* Extra environment from a map: KEY: value */}}
{{- define "rackswarm.extraEnv" -}}
{{- range $k, $v := . }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- end -}}
