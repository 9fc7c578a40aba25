// A throwaway certificate authority and a serving certificate for registry host names, made
// with openssl, so clients pull over verified TLS under the registry's own name (they are
// given the CA through SSL_CERT_FILE) instead of being told to skip verification.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RegistryCertificate {
  /** The CA certificate (PEM file), to trust in clients. */
  caFile: string;
  /** The serving certificate and key, PEM. */
  cert: string;
  key: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createRegistryCertificate(dir: string, hosts: string[]): RegistryCertificate {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'registry-ca.key', '-out', 'registry-ca.crt', '-days', '2', '-subj', '/CN=test-registry-ca']);
  writeFileSync(join(dir, 'registry.ext'), `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'registry.key', '-out', 'registry.csr', '-subj', `/CN=${hosts[0]}`]);
  openssl(dir, [
    'x509', '-req', '-in', 'registry.csr', '-CA', 'registry-ca.crt', '-CAkey', 'registry-ca.key', '-CAcreateserial',
    '-days', '2', '-out', 'registry.crt', '-extfile', 'registry.ext',
  ]);
  return {
    caFile: join(dir, 'registry-ca.crt'),
    cert: readFileSync(join(dir, 'registry.crt'), 'utf8'),
    key: readFileSync(join(dir, 'registry.key'), 'utf8'),
  };
}
