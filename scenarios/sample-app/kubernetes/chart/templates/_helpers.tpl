{{- define "sample-app.labels" -}}
app.kubernetes.io/name: sample-app
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "sample-app.databaseUrl" -}}
postgres://sample:{{ .Values.database.password }}@postgres:5432/sample
{{- end -}}

{{- define "sample-app.migrateJob" -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .root.Release.Name }}-migrate-{{ .kind }}-{{ .root.Release.Revision }}
  labels: {{- include "sample-app.labels" .root | nindent 4 }}
  annotations:
    helm.sh/hook: {{ .hook }}
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: 0
  template:
    metadata:
      # Not the app's labels: the Service (and the PodDisruptionBudget) must never select a migration pod.
      labels:
        app.kubernetes.io/name: sample-app-migrate
        app.kubernetes.io/instance: {{ .root.Release.Name }}
        app.kubernetes.io/component: migrate-{{ .kind }}
    spec:
      restartPolicy: Never
      initContainers:
        # The database pod may still be starting (it is created just before, on install).
        - name: wait-for-database
          image: "{{ .root.Values.image.repository }}:{{ .root.Values.image.tag }}"
          imagePullPolicy: {{ .root.Values.image.pullPolicy }}
          command:
            - node
            - -e
            - "const net = require('net'); const t = () => net.connect(5432, process.argv[1]).on('connect', () => process.exit(0)).on('error', () => setTimeout(t, 500)); t();"
            - postgres
      containers:
        - name: migrate
          image: "{{ .root.Values.image.repository }}:{{ .root.Values.image.tag }}"
          imagePullPolicy: {{ .root.Values.image.pullPolicy }}
          command: [node, app/migrate.mjs, {{ .kind }}, {{ .root.Values.image.tag | quote }}]
          env:
            - name: DATABASE_URL
              value: {{ include "sample-app.databaseUrl" .root | quote }}
{{- end -}}
