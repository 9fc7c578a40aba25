// A throwaway certificate authority for one API server, made with openssl: the serving
// certificate (SAN 127.0.0.1), the key pair that signs service-account tokens, and client
// certificates on demand (CN = user, O = each group, which is how the API server reads them).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KubePki {
  caFile: string;
  caPem: string;
  servingCertFile: string;
  servingKeyFile: string;
  serviceAccountPublicKeyFile: string;
  serviceAccountSigningKeyFile: string;
  issueClientCertificate(user: string, groups: string[]): { certFile: string; keyFile: string };
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Signs a new key's certificate with the CA; `extensions` is an openssl extension file body. */
function issue(dir: string, name: string, subject: string, extensions: string) {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, extensions);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', `${name}.csr`, '-subj', subject]);
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', '2', '-out', certFile, '-extfile', extFile,
  ]);
  return { certFile, keyFile };
}

/** openssl reads "/" as the field separator of -subj, so names must not contain it. */
function subjectPart(value: string): string {
  if (/[/\\=+,]/.test(value)) throw new Error(`a certificate subject part cannot contain / \\ = + or , (got ${JSON.stringify(value)})`);
  return value;
}

export function createKubePki(dir: string): KubePki {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=test-kube-ca']);
  const serving = issue(dir, 'apiserver', '/CN=kube-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
  let issued = 0;
  return {
    caFile: join(dir, 'ca.crt'),
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    servingCertFile: serving.certFile,
    servingKeyFile: serving.keyFile,
    serviceAccountPublicKeyFile: join(dir, 'sa.pub'),
    serviceAccountSigningKeyFile: join(dir, 'sa.key'),
    issueClientCertificate(user, groups) {
      const subject = [`/CN=${subjectPart(user)}`, ...groups.map((group) => `/O=${subjectPart(group)}`)].join('');
      issued += 1;
      return issue(dir, `client-${issued}`, subject, 'extendedKeyUsage=clientAuth\n');
    },
  };
}
