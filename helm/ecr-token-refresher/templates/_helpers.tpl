{{/* Names, labels and the values-derived pieces shared by several templates. */}}

{{- define "ecr-token-refresher.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ecr-token-refresher.fullname" -}}
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

{{- define "ecr-token-refresher.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ecr-token-refresher.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ecr-token-refresher.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "ecr-token-refresher.labels" -}}
helm.sh/chart: {{ include "ecr-token-refresher.chart" . }}
{{ include "ecr-token-refresher.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "ecr-token-refresher.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ecr-token-refresher.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ecr-token-refresher.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The chart makes a Secret when it is given a key or a webhook URL by value. */}}
{{- define "ecr-token-refresher.createSecret" -}}
{{- if or (and .Values.pipecatApiKey.value (not .Values.pipecatApiKey.existingSecret.name)) (and .Values.alertWebhook.url (not .Values.alertWebhook.existingSecret.name)) }}true{{ end }}
{{- end }}

{{/* The data of the chart's Secret; also hashed into the pod template's checksum/secret. */}}
{{- define "ecr-token-refresher.secretData" -}}
{{- if and .Values.pipecatApiKey.value (not .Values.pipecatApiKey.existingSecret.name) }}
api-key: {{ .Values.pipecatApiKey.value | b64enc | quote }}
{{- end }}
{{- if and .Values.alertWebhook.url (not .Values.alertWebhook.existingSecret.name) }}
alert-webhook-url: {{ .Values.alertWebhook.url | b64enc | quote }}
{{- end }}
{{- end }}

{{/* Where the API key comes from: aborts the render when it comes from nowhere. */}}
{{- define "ecr-token-refresher.apiKeySecretName" -}}
{{- if .Values.pipecatApiKey.existingSecret.name }}
{{- .Values.pipecatApiKey.existingSecret.name }}
{{- else if .Values.pipecatApiKey.value }}
{{- include "ecr-token-refresher.fullname" . }}
{{- else }}
{{- fail "a Pipecat Cloud private API key is required: set pipecatApiKey.existingSecret.name (a Secret you created, key pipecatApiKey.existingSecret.key) or pipecatApiKey.value" }}
{{- end }}
{{- end }}

{{- define "ecr-token-refresher.apiKeySecretKey" -}}
{{- if .Values.pipecatApiKey.existingSecret.name }}
{{- .Values.pipecatApiKey.existingSecret.key }}
{{- else }}
{{- "api-key" }}
{{- end }}
{{- end }}

{{- define "ecr-token-refresher.apiKeyDir" -}}/var/run/secrets/pipecat{{- end }}
{{- define "ecr-token-refresher.configDir" -}}/etc/ecr-token-refresher{{- end }}

{{/* The config file, the one way the chart configures the refresher: the settings and always a
`targets:` list. The single-target values (secretSet, secretFormat, pccRegion, registryId, roleArn)
are a shorthand for a one-item list. Never a secret in here: the API key file is named by
PCC_API_KEY_FILE, the webhook URL comes from a Secret. */}}
{{- define "ecr-token-refresher.configFile" -}}
{{- $v := .Values }}
{{- $config := dict "metricsPort" (int $v.metrics.port) }}
{{- range $key := list "apiUrl" "schedule" "scheduleJitter" "refreshMargin" "confirmTimeout" "requestTimeout" "retryInitialDelay" "retryMaxDelay" "shutdownTimeout" "logLevel" }}
{{- $value := index $v $key }}
{{- if $value }}{{ $_ := set $config $key (toString $value) }}{{ end }}
{{- end }}
{{- if $v.pushConcurrency }}{{ $_ := set $config "pushConcurrency" (int $v.pushConcurrency) }}{{ end }}
{{- $_ := set $config "targets" (include "ecr-token-refresher.targets" . | fromYamlArray) }}
{{- toYaml $config }}
{{- end }}

{{/* The targets list: `targets` as given (empty keys dropped), or one item from the single-target values. */}}
{{- define "ecr-token-refresher.targets" -}}
{{- $v := .Values }}
{{- $targets := list }}
{{- if $v.targets }}
{{- if $v.secretSet }}{{ fail "secretSet and targets are both set: list every target under targets (add `- secretSet: <name>` there) and leave secretSet empty" }}{{ end }}
{{- range $t := $v.targets }}
{{- $item := dict }}
{{- range $key, $value := $t }}
{{- if $value }}{{ $_ := set $item $key $value }}{{ end }}
{{- end }}
{{- $targets = append $targets $item }}
{{- end }}
{{- else }}
{{- $item := dict "secretSet" (required "a target is required: set secretSet (one Pipecat Cloud secret set) or list targets" $v.secretSet) "format" $v.secretFormat }}
{{- range $key := list "pccRegion" "registryId" "roleArn" }}
{{- with index $v $key }}{{ $_ := set $item $key (toString .) }}{{ end }}
{{- end }}
{{- $targets = list $item }}
{{- end }}
{{- toYaml $targets }}
{{- end }}

{{/* Alert rules from files/prometheus-rules.yaml with the chart's thresholds (set by placeholder name) and extra labels. */}}
{{- define "ecr-token-refresher.alertGroups" -}}
{{- $t := .Values.prometheusRule.thresholds }}
{{- $text := .Files.Get "files/prometheus-rules.yaml" }}
{{- if not $text }}{{ fail "files/prometheus-rules.yaml is missing from the chart" }}{{ end }}
{{- range $name := list "expiringWarningSeconds" "expiringCriticalSeconds" "overdueGraceSeconds" "consecutiveFailures" }}
{{- $placeholder := printf "[0-9]+ # threshold: %s\n" $name }}
{{- if ne (len (regexFindAll $placeholder $text -1)) 1 }}{{ fail (printf "files/prometheus-rules.yaml must hold the placeholder `<number> # threshold: %s` exactly once" $name) }}{{ end }}
{{- $text = regexReplaceAll $placeholder $text (printf "%d # threshold: %s\n" (int64 (index $t $name)) $name) }}
{{- end }}
{{- $rules := fromYaml $text }}
{{- if hasKey $rules "Error" }}{{ fail (printf "files/prometheus-rules.yaml does not parse: %s" $rules.Error) }}{{ end }}
{{- range $group := $rules.groups }}
{{- range $rule := $group.rules }}
{{- if $.Values.prometheusRule.additionalRuleLabels }}
{{- $_ := set $rule "labels" (merge (deepCopy (default dict $rule.labels)) $.Values.prometheusRule.additionalRuleLabels) }}
{{- end }}
{{- end }}
{{- end }}
{{- toYaml (dict "groups" $rules.groups) }}
{{- end }}
