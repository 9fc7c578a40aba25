// An ECR-shaped registry password: like the real one, base64 of a JSON
// envelope around an opaque encrypted payload, about 1,600 characters, so
// secret-scanning tests look for something realistic.
import { randomBytes } from 'node:crypto';

export function createEcrPassword(expiresAtSeconds: number): string {
  const envelope = {
    payload: randomBytes(700).toString('base64'),
    datakey: randomBytes(150).toString('base64'),
    version: '2',
    type: 'DATA_KEY',
    expiration: Math.floor(expiresAtSeconds),
  };
  return Buffer.from(JSON.stringify(envelope)).toString('base64');
}
