{{/*
The one pod template of the chart, used by the Deployment, the CronJob and the install hook Job.
Call with a dict:
  root          the top-level context ($)
  once          true for the run-once workloads (CronJob, hook Job): adds `--once`, drops probes
  restartPolicy the pod's restartPolicy
*/}}
{{- define "ecr-token-refresher.podTemplate" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $needsKey := include "ecr-token-refresher.needsPipecatKey" $root -}}
{{- $apiKeySecret := "" -}}
{{- if $needsKey }}{{ $apiKeySecret = include "ecr-token-refresher.apiKeySecretName" $root }}{{ end -}}
metadata:
  labels:
    {{- include "ecr-token-refresher.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: refresher
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include "ecr-token-refresher.configFile" $root | sha256sum }}
    {{- if include "ecr-token-refresher.createSecret" $root }}
    checksum/secret: {{ include "ecr-token-refresher.secretData" $root | sha256sum }}
    {{- end }}
    {{- if and .once $v.cronjob.disableSidecarInjection }}
    sidecar.istio.io/inject: "false"
    {{- end }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "ecr-token-refresher.serviceAccountName" $root }}
  automountServiceAccountToken: {{ include "ecr-token-refresher.automountToken" $root }}
  restartPolicy: {{ .restartPolicy }}
  terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
  {{- with $v.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ if kindIs "map" . }}{{ .name }}{{ else }}{{ . }}{{ end }}
    {{- end }}
  {{- end }}
  securityContext:
    {{- toYaml $v.podSecurityContext | nindent 4 }}
  containers:
    - name: ecr-token-refresher
      image: {{ include "ecr-token-refresher.image" $root | quote }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      args:
        - --config
        - {{ include "ecr-token-refresher.configDir" $root }}/config.yaml
        {{- if .once }}
        - --once
        {{- end }}
      env:
        {{- if $needsKey }}
        - name: PCC_API_KEY_FILE
          value: {{ include "ecr-token-refresher.apiKeyDir" $root }}/api-key
        {{- end }}
        {{- with $v.aws.region }}
        - name: AWS_REGION
          value: {{ . | quote }}
        {{- end }}
        {{- with $v.aws.existingSecret.name }}
        - name: AWS_ACCESS_KEY_ID
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: {{ $v.aws.existingSecret.accessKeyIdKey }}
        - name: AWS_SECRET_ACCESS_KEY
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: {{ $v.aws.existingSecret.secretAccessKeyKey }}
        {{- if $v.aws.existingSecret.sessionTokenKey }}
        - name: AWS_SESSION_TOKEN
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: {{ $v.aws.existingSecret.sessionTokenKey }}
        {{- end }}
        {{- end }}
        {{- if $v.alertWebhook.existingSecret.name }}
        - name: ALERT_WEBHOOK_URL
          valueFrom:
            secretKeyRef:
              name: {{ $v.alertWebhook.existingSecret.name }}
              key: {{ $v.alertWebhook.existingSecret.key }}
        {{- else if $v.alertWebhook.url }}
        - name: ALERT_WEBHOOK_URL
          valueFrom:
            secretKeyRef:
              name: {{ include "ecr-token-refresher.fullname" $root }}
              key: alert-webhook-url
        {{- end }}
        {{- if and .once $v.cronjob.pushgatewayUrl }}
        - name: PUSHGATEWAY_URL
          value: {{ $v.cronjob.pushgatewayUrl | quote }}
        {{- end }}
        {{- with include "ecr-token-refresher.leaderElectionEnv" $root | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with $v.kubernetesApi.qps }}
        - name: KUBERNETES_QPS
          value: {{ . | quote }}
        {{- end }}
        {{- with $v.kubernetesApi.burst }}
        - name: KUBERNETES_BURST
          value: {{ . | quote }}
        {{- end }}
        {{- with $v.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if not .once }}
      ports:
        - name: metrics
          containerPort: {{ $v.metrics.port }}
          protocol: TCP
      {{- with $v.livenessProbe }}
      livenessProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.readinessProbe }}
      readinessProbe:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- end }}
      securityContext:
        {{- toYaml $v.securityContext | nindent 8 }}
      {{- with $v.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      volumeMounts:
        - name: config
          mountPath: {{ include "ecr-token-refresher.configDir" $root }}
          readOnly: true
        {{- if $needsKey }}
        - name: pipecat-api-key
          mountPath: {{ include "ecr-token-refresher.apiKeyDir" $root }}
          readOnly: true
        {{- end }}
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: config
      configMap:
        name: {{ include "ecr-token-refresher.fullname" $root }}
    {{- if $needsKey }}
    - name: pipecat-api-key
      secret:
        secretName: {{ $apiKeySecret }}
        defaultMode: 0440
        items:
          - key: {{ include "ecr-token-refresher.apiKeySecretKey" $root }}
            path: api-key
    {{- end }}
    - name: tmp
      emptyDir: {{ if $v.tmpSizeLimit }}{{ dict "sizeLimit" $v.tmpSizeLimit | toJson }}{{ else }}{}{{ end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
