{{/* The Job spec shared by the CronJob's jobTemplate and the install hook Job. */}}
{{- define "ecr-token-refresher.jobSpec" -}}
backoffLimit: {{ .Values.cronjob.backoffLimit }}
activeDeadlineSeconds: {{ .Values.cronjob.activeDeadlineSeconds }}
{{- if not (kindIs "string" .Values.cronjob.ttlSecondsAfterFinished) }}
ttlSecondsAfterFinished: {{ .Values.cronjob.ttlSecondsAfterFinished }}
{{- end }}
template:
  {{- include "ecr-token-refresher.podTemplate" (dict "root" . "once" true "restartPolicy" .Values.cronjob.restartPolicy) | nindent 2 }}
{{- end }}
