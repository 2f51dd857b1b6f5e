{{/* Chart name: nameOverride, else the chart name. */}}
{{- define "starter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <fullname>: fullnameOverride, else nameOverride, else the chart name; never the release name. */}}
{{- define "starter.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- include "starter.name" . -}}
{{- end -}}
{{- end -}}

{{- define "starter.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{ include "starter.selectorLabels" . }}
{{- end -}}

{{- define "starter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "starter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
