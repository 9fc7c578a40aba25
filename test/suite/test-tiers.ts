// The two tiers of the suite. `unit` runs on any clone in seconds: no tools
// from .tools, no built dist/, no child processes, nothing beyond in-process
// servers on loopback. `system` is every other test file, so a new file runs
// there until it is listed here, and nothing is ever left out of `scripts/test`.
// test/suite/test-tiers.test.ts checks both promises.

/** Every test file of the suite. */
export const ALL_TESTS = ['test/**/*.test.ts'];

/** Whole folders first, then the unit files of folders that also hold system tests. */
export const UNIT_TESTS = [
  'test/config/**/*.test.ts',
  'test/ecr/**/*.test.ts',
  'test/errors/**/*.test.ts',
  'test/metrics/**/*.test.ts',
  'test/refresh/**/*.test.ts',
  'test/suite/**/*.test.ts',
  'test/alerts/alerts-doc-table.test.ts',
  'test/alerts/create-webhook-notifier.test.ts',
  'test/chart/helm-values-doc.test.ts',
  'test/demo/demo-args.test.ts',
  'test/docs/configuration-reference.test.ts',
  'test/docs/doc-links.test.ts',
  'test/docs/readme-manual.test.ts',
  'test/kubernetes/pull-secret/build-pull-secret.test.ts',
  'test/kubernetes/api/classify-kube-status.test.ts',
  'test/kubernetes/lease/create-leader-elector.test.ts',
  'test/kubernetes/lease/decide-lease.test.ts',
  'test/kubernetes/controller/selection.test.ts',
  'test/kubernetes/fence-sinks.test.ts',
  'test/kubernetes/lease/leader-fencing.test.ts',
  'test/kubernetes/api/load-kube-connection.test.ts',
  'test/kubernetes/pull-secret/merge-docker-config.test.ts',
  'test/kubernetes/lease/next-leader-state.test.ts',
  'test/kubernetes/lease/renew-time-tolerance.test.ts',
  'test/lambda/api-key-source.test.ts',
  'test/lambda/create-emf-writer.test.ts',
  'test/lambda/create-key-cache.test.ts',
  'test/lambda/create-lambda-handler.test.ts',
  'test/lambda/load-lambda-config.test.ts',
  'test/log/create-logger.test.ts',
  'test/log/create-scrubbing-destination.test.ts',
  'test/pcc/api-url-https.test.ts',
  'test/pcc/build-secret-body.test.ts',
  'test/pcc/classify-http-status.test.ts',
  'test/pcc/create-readiness-watcher.test.ts',
  'test/pcc/create-secrets-client.test.ts',
  'test/pcc/late-flip-over-http.test.ts',
  'test/pcc/readiness-late-flip.test.ts',
  'test/pcc/readiness-poll-schedule.test.ts',
  'test/pcc/resolve-format.test.ts',
  'test/pcc/secrets-client-echoed-secrets.test.ts',
  'test/preflight/format-preflight-summary.test.ts',
  'test/preflight/preflight-doc.test.ts',
  'test/preflight/run-preflight.test.ts',
  'test/stand-ins/ecr-stand-in-protocol.test.ts',
  'test/stand-ins/ecr-stand-in.test.ts',
  'test/stand-ins/parse-stand-in-args.test.ts',
  'test/stand-ins/secrets-api-stand-in-faults.test.ts',
  'test/stand-ins/secrets-api-stand-in-late-flip.test.ts',
  'test/stand-ins/secrets-api-stand-in.test.ts',
  'test/stand-ins/stand-ins-close.test.ts',
];
