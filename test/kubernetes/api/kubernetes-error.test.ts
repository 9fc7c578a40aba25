import { describe, expect, it } from 'vitest';
import { classifyKubeStatus, type KubeCallSite } from '../../../src/kubernetes/api/kubernetes-error.js';

const site: KubeCallSite = { endpoint: 'https://10.0.0.1:443', verb: 'update', resource: 'secrets', namespace: 'agents', name: 'ecr-pull' };
const status = (code: number, message: string) => JSON.stringify({ kind: 'Status', status: 'Failure', message, code });

describe('classifyKubeStatus', () => {
  it('makes 403 permanent and names the verb, resource, namespace and the Role rule to add', () => {
    const error = classifyKubeStatus({ status: 403, body: status(403, 'secrets "ecr-pull" is forbidden: User "x" cannot update resource "secrets"'), site });
    expect(error).toMatchObject({ code: 'ERR_KUBE_FORBIDDEN', retryable: false, status: 403, namespace: 'agents', verb: 'update', resource: 'secrets' });
    expect(error.message).toBe(
      'Kubernetes update secrets "agents/ecr-pull" at https://10.0.0.1:443 answered HTTP 403: secrets "ecr-pull" is forbidden: User "x" cannot update resource "secrets" ' +
        '(add to a Role in namespace "agents" bound to this identity the rule {apiGroups: [""], resources: ["secrets"], verbs: ["update"]})',
    );
  });

  it('puts the API group of a grouped resource into the rule', () => {
    const error = classifyKubeStatus({ status: 403, body: '', site: { ...site, verb: 'create', resource: 'leases.coordination.k8s.io', name: undefined } });
    expect(error.message).toContain('{apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"]}');
  });

  it.each([
    [401, 'ERR_KUBE_UNAUTHORIZED', false],
    [404, 'ERR_KUBE_NOT_FOUND', false],
    [409, 'ERR_KUBE_CONFLICT', true],
    [422, 'ERR_KUBE_INVALID', false],
    [400, 'ERR_KUBE_BAD_REQUEST', false],
    [429, 'ERR_KUBE_RATE_LIMITED', true],
    [500, 'ERR_KUBE_SERVER', true],
    [503, 'ERR_KUBE_SERVER', true],
  ])('HTTP %i is %s, retryable %s', (code, expected, retryable) => {
    expect(classifyKubeStatus({ status: code, body: '', site })).toMatchObject({ code: expected, retryable, endpoint: 'https://10.0.0.1:443' });
  });

  it('tells a 401 how to fix the credentials', () => {
    expect(classifyKubeStatus({ status: 401, body: status(401, 'Unauthorized'), site }).message).toContain('check the token or client certificate in KUBECONFIG');
  });

  it('never repeats a credential-like run the server quoted back', () => {
    const quoted = 'A'.repeat(40);
    const error = classifyKubeStatus({ status: 422, body: status(422, `Secret is invalid: data: "${quoted}"`), site });
    expect(error.message).not.toContain(quoted);
    expect(error.message).toContain('[REDACTED]');
  });
});
