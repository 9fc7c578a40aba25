// A real Kubernetes API server for a test file: etcd + kube-apiserver (built by
// scripts/install-test-tools) on free loopback ports, a throwaway CA, a static admin token,
// a service-account signing key and RBAC authorization. No kubelet, scheduler or controller
// manager runs: objects are validated, stored and authorized for real, but pods stay Pending,
// namespaces get no `default` ServiceAccount and never finish deleting.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProcessTracker, type ProcessTracker, type TrackedProcess } from '../create-process-tracker.js';
import { freePort } from '../free-port.js';
import { waitFor } from '../wait-for.js';
import { createKubePki } from './create-kube-pki.js';
import { httpsStatus } from './https-status.js';
import { kubeBinary } from './kube-binary.js';
import { runCommand, type CommandResult } from './run-command.js';
import { exitOf, isPortTaken, startEtcd } from './start-etcd.js';
import { writeKubeconfig, type KubeUser } from './write-kubeconfig.js';

export interface KubeApiServer {
  /** https://127.0.0.1:<port> */
  url: string;
  caFile: string;
  caPem: string;
  /** A bearer token in group system:masters. */
  adminToken: string;
  /** A kubeconfig that authenticates with adminToken. */
  adminKubeconfig: string;
  /** The ports this server and its etcd listen on (free again after stop()). */
  ports: number[];
  /** Writes `<dir>/<name>.kubeconfig` for the user and returns its path. */
  writeKubeconfig(name: string, user: KubeUser): string;
  /** A client certificate signed by the server's CA: CN = user, O = each group. */
  issueClientCertificate(user: string, groups: string[]): { certFile: string; keyFile: string };
  /** A TokenRequest token for the ServiceAccount, created (with its namespace) when missing. */
  serviceAccountToken(namespace: string, name: string): Promise<string>;
  /** kubectl with the admin kubeconfig; `as` impersonates a user (e.g. system:serviceaccount:ns:sa). */
  kubectl(args: string[], options?: { input?: string; as?: string }): Promise<CommandResult>;
  /** A folder for this server's files, removed by stop(). */
  dir: string;
  /** The etcd process behind the server (e.g. to pause it with SIGSTOP / SIGCONT). */
  etcd: TrackedProcess;
  /** etcd's client URL (its v3 JSON gateway answers under /v3/, e.g. /v3/kv/compaction). */
  etcdUrl: string;
  /** The server's TLS certificate and key (SAN 127.0.0.1), for a proxy that must look like the server. */
  servingCertFile: string;
  servingKeyFile: string;
  /** With `auditLog`: the API server's audit log, one JSON event per line (level Metadata). */
  auditLogFile?: string;
  /** Stops kube-apiserver (SIGTERM) and starts it again on the same port; resolves once it is ready. */
  restartApiServer(): Promise<void>;
  /** Stops the API server, then etcd, and resolves once both have exited. */
  stop(): Promise<void>;
}

export interface KubeApiServerOptions {
  /** More kube-apiserver flags (e.g. `--watch-cache=false`). */
  extraArgs?: string[];
  /** Writes an audit log of every request (level Metadata, JSON) to `auditLogFile`. */
  auditLog?: boolean;
}

const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

// Every request at level Metadata (who, verb, resource, namespace, name, status; never a body),
// once when its response is complete (and once when a watch's response starts).
const AUDIT_POLICY = JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['RequestReceived'], rules: [{ level: 'Metadata' }] });

function auditArgs(dir: string): { args: string[]; logFile: string } {
  const policyFile = join(dir, 'audit-policy.json');
  const logFile = join(dir, 'audit.log');
  writeFileSync(policyFile, AUDIT_POLICY);
  // Batching off: each event is in the file by the time its response has been sent.
  return { args: [`--audit-policy-file=${policyFile}`, `--audit-log-path=${logFile}`, '--audit-log-format=json', '--audit-log-mode=blocking', '--audit-log-maxsize=0'], logFile };
}

function apiServerArgs(port: number, etcdUrl: string, pki: ReturnType<typeof createKubePki>, tokenFile: string) {
  return [
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${port}`,
    `--etcd-servers=${etcdUrl}`,
    // No Service/Endpoints for "kubernetes" pointing anywhere: nothing may route off loopback.
    '--endpoint-reconciler-type=none', '--service-cluster-ip-range=10.0.0.0/24',
    `--tls-cert-file=${pki.servingCertFile}`, `--tls-private-key-file=${pki.servingKeyFile}`,
    `--client-ca-file=${pki.caFile}`, `--token-auth-file=${tokenFile}`, '--authorization-mode=RBAC',
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${pki.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${pki.serviceAccountSigningKeyFile}`,
  ];
}

async function waitReady(process: TrackedProcess, url: string, caPem: string, token: string) {
  await Promise.race([
    exitOf(process),
    waitFor(async () => (await httpsStatus(`${url}/readyz`, { caPem, token })).status === 200, {
      what: `kube-apiserver ${url}/readyz`,
      timeoutMs: 90_000,
      intervalMs: 200,
    }),
  ]);
}

/** kube-apiserver on a free port, tried again on a fresh one when another process took it first. */
async function startApiServer(tracker: ProcessTracker, binary: string, args: (port: number) => string[], ready: (p: TrackedProcess, url: string) => Promise<void>) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    const apiServer = tracker.start(binary, args(port));
    try {
      await ready(apiServer, url);
      return { apiServer, port, url };
    } catch (error) {
      const failure = new Error(`${(error as Error).message}\nkube-apiserver stderr:\n${apiServer.stderr().slice(-3000)}`);
      await apiServer.stop(10_000);
      if (attempt >= 3 || !isPortTaken(failure)) throw failure;
    }
  }
}

export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const binary = kubeBinary('kube-apiserver');
  const kubectlBinary = kubeBinary('kubectl');
  const dir = mkdtempSync(join(tmpdir(), 'kube-api-server-'));
  const tracker = createProcessTracker();
  const stop = async () => {
    await apiServer?.stop(10_000);
    await tracker.stopAll(10_000);
    rmSync(dir, { recursive: true, force: true });
  };
  let apiServer: TrackedProcess | undefined;
  try {
    const pki = createKubePki(dir);
    const adminToken = randomBytes(24).toString('hex');
    const tokenFile = join(dir, 'tokens.csv');
    writeFileSync(tokenFile, `${adminToken},admin,admin-uid,system:masters\n`, { mode: 0o600 });
    const etcd = await startEtcd(tracker, dir);
    const audit = options.auditLog ? auditArgs(dir) : undefined;
    const args = (port: number) => [...apiServerArgs(port, etcd.url, pki, tokenFile), ...(audit?.args ?? []), ...(options.extraArgs ?? [])];
    const started = await startApiServer(
      tracker,
      binary,
      args,
      (process, url) => waitReady(process, url, pki.caPem, adminToken),
    );
    apiServer = started.apiServer;
    const { port, url } = started;
    const restartApiServer = async () => {
      await apiServer?.stop(10_000);
      apiServer = tracker.start(binary, args(port));
      try {
        await waitReady(apiServer, url, pki.caPem, adminToken);
      } catch (error) {
        throw new Error(`${(error as Error).message}\nkube-apiserver stderr after the restart:\n${apiServer.stderr().slice(-3000)}`);
      }
    };
    const server = { url, caFile: pki.caFile };
    const adminKubeconfig = writeKubeconfig(join(dir, 'admin.kubeconfig'), server, { token: adminToken });
    // kubectl and helm honour proxy variables; this server is on loopback only.
    const env = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', KUBECONFIG: adminKubeconfig };
    const kubectl: KubeApiServer['kubectl'] = (args, options = {}) =>
      runCommand(kubectlBinary, [...(options.as ? [`--as=${options.as}`] : []), ...args], { input: options.input, env });
    return {
      url,
      caFile: pki.caFile,
      caPem: pki.caPem,
      adminToken,
      adminKubeconfig,
      ports: [port, ...etcd.ports],
      writeKubeconfig: (name, user) => writeKubeconfig(join(dir, `${name}.kubeconfig`), server, user),
      issueClientCertificate: (user, groups) => pki.issueClientCertificate(user, groups),
      serviceAccountToken: (namespace, name) => serviceAccountToken(kubectl, namespace, name),
      kubectl,
      dir,
      etcd: etcd.process,
      etcdUrl: etcd.url,
      servingCertFile: pki.servingCertFile,
      servingKeyFile: pki.servingKeyFile,
      ...(audit && { auditLogFile: audit.logFile }),
      restartApiServer,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function serviceAccountToken(kubectl: KubeApiServer['kubectl'], namespace: string, name: string): Promise<string> {
  for (const args of [['create', 'namespace', namespace], ['create', 'serviceaccount', name, '-n', namespace]]) {
    const created = await kubectl(args);
    if (created.code !== 0 && !/already exists/i.test(created.stderr)) {
      throw new Error(`kubectl ${args.join(' ')} failed: ${created.stderr}`);
    }
  }
  const token = await kubectl(['create', 'token', name, '-n', namespace, '--duration=1h']);
  if (token.code !== 0) throw new Error(`kubectl create token ${name} -n ${namespace} failed: ${token.stderr}`);
  return token.stdout.trim();
}
