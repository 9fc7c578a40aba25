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
{{- if .namespace }}
{{- $names := get $byNamespace .namespace | default list }}
{{- $_ := set $byNamespace .namespace (append $names .name | uniq | sortAlpha) }}
{{- end }}
{{- end }}
{{- end }}
{{- toYaml $byNamespace }}
{{- end }}

{{/* Cluster-wide pull Secret targets (kubernetesSecret with namespaces, namespaceSelector,
excludeNamespaces, serviceAccounts or prune), as the refresher reads them: YAML with
`cluster` (some target needs the namespaces listed: a glob or a label selector), `namespaces`
(the plain names of the others: a Role in each), `serviceAccounts` and `prune` (whether any
target patches ServiceAccounts, or prunes). Empty when there is none. */}}
{{- define "ecr-token-refresher.clusterTargets" -}}
{{- $found := dict "cluster" false "namespaces" list "serviceAccounts" false "prune" false "any" false }}
{{- range $t := .Values.targets }}
{{- with $t.kubernetesSecret }}
{{- if or (hasKey . "namespaces") (hasKey . "namespaceSelector") (hasKey . "excludeNamespaces") (hasKey . "serviceAccounts") (hasKey . "prune") }}
{{- $_ := set $found "any" true }}
{{- if .serviceAccounts }}{{ $_ := set $found "serviceAccounts" true }}{{ end }}
{{- if ne (toString .prune) "false" }}{{ $_ := set $found "prune" true }}{{ end }}
{{- $names := .namespaces | default list }}
{{- if .namespace }}{{ $names = list .namespace }}{{ end }}
{{- $glob := false }}
{{- range $names }}{{ if regexMatch "[*?]" . }}{{ $glob = true }}{{ end }}{{ end }}
{{- if or .namespaceSelector $glob (not $names) }}
{{- $_ := set $found "cluster" true }}
{{- else }}
{{- $_ := set $found "namespaces" (concat $found.namespaces $names | uniq | sortAlpha) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- if $found.any }}{{ toYaml $found }}{{ end }}
{{- end }}

{{/* The rules a cluster-wide target needs in a namespace it writes to (and, in a ClusterRole, everywhere). */}}
{{- define "ecr-token-refresher.clusterTargetRules" -}}
{{- $c := fromYaml (include "ecr-token-refresher.clusterTargets" .) -}}
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, update, patch{{ if $c.prune }}, delete{{ end }}]
{{- if $c.serviceAccounts }}
- apiGroups: [""]
  resources: [serviceaccounts]
  verbs: [list, watch, patch]
{{- end }}
- apiGroups: [""]
  resources: [events]
  verbs: [create]
{{- end }}

{{- define "ecr-token-refresher.needsKubernetesApi" -}}
{{- if or (include "ecr-token-refresher.leaderElection" .) (fromYaml (include "ecr-token-refresher.pullSecretsByNamespace" .)) (include "ecr-token-refresher.clusterTargets" .) }}true{{ end }}
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
