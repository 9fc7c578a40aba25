{{/* What the pod needs from the Kubernetes API: the pull Secrets of `targets[].kubernetesSecret`
and, with leader election, one Lease. RBAC, the token mount and the leader-election env are all
derived from these helpers so the three cannot disagree. */}}

{{/* Leader election applies to the daemon only: a `--once` run never holds a Lease. */}}
{{- define "ecr-token-refresher.leaderElection" -}}
{{- if and (eq .Values.mode "deployment") .Values.leaderElection.enabled }}true{{ end }}
{{- end }}

{{- define "ecr-token-refresher.leaseName" -}}
{{- default (include "ecr-token-refresher.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{/* YAML map: namespace -> sorted, de-duplicated Secret names, from targets[].kubernetesSecret. */}}
{{- define "ecr-token-refresher.pullSecretsByNamespace" -}}
{{- $byNamespace := dict }}
{{- range $t := .Values.targets }}
{{- with $t.kubernetesSecret }}
{{- $names := get $byNamespace .namespace | default list }}
{{- $_ := set $byNamespace .namespace (append $names .name | uniq | sortAlpha) }}
{{- end }}
{{- end }}
{{- toYaml $byNamespace }}
{{- end }}

{{- define "ecr-token-refresher.needsKubernetesApi" -}}
{{- if or (include "ecr-token-refresher.leaderElection" .) (fromYaml (include "ecr-token-refresher.pullSecretsByNamespace" .)) }}true{{ end }}
{{- end }}

{{/* The pod's automountServiceAccountToken: on when it calls the API, or when asked for. */}}
{{- define "ecr-token-refresher.automountToken" -}}
{{- if or .Values.automountServiceAccountToken (include "ecr-token-refresher.needsKubernetesApi" .) }}true{{ else }}false{{ end }}
{{- end }}

{{/* Container env for leader election; the downward API gives the identity and namespace. */}}
{{- define "ecr-token-refresher.leaderElectionEnv" -}}
{{- if include "ecr-token-refresher.leaderElection" . }}
{{- $le := .Values.leaderElection }}
- name: LEADER_ELECTION
  value: "true"
- name: LEADER_ELECTION_LEASE_NAME
  value: {{ include "ecr-token-refresher.leaseName" . | quote }}
{{- range $key, $env := dict "leaseDuration" "LEADER_ELECTION_LEASE_DURATION" "renewDeadline" "LEADER_ELECTION_RENEW_DEADLINE" "retryPeriod" "LEADER_ELECTION_RETRY_PERIOD" }}
{{- with index $le $key }}
- name: {{ $env }}
  value: {{ . | quote }}
{{- end }}
{{- end }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- end }}
{{- end }}

{{/* A Pipecat Cloud key is needed only when some target is a Pipecat Cloud secret set. */}}
{{- define "ecr-token-refresher.needsPipecatKey" -}}
{{- range $t := fromYamlArray (include "ecr-token-refresher.targets" .) }}
{{- if not $t.kubernetesSecret }}true{{ break }}{{ end }}
{{- end }}
{{- end }}
