// How errors name a request: endpoint, verb, resource (plural.group),
// namespace and the object's name, taken from the name or the body.
import type { KubeCallSite } from './kubernetes-error.js';
import type { KubeRequest } from './create-kube-client.js';

export function kubeCallSite(call: KubeRequest, endpoint: string): KubeCallSite {
  const group = call.apiVersion.includes('/') ? call.apiVersion.slice(0, call.apiVersion.lastIndexOf('/')) : '';
  const resource = group ? `${call.plural}.${group}` : call.plural;
  return { endpoint, verb: call.verb, resource, namespace: call.namespace, name: call.name ?? nameOf(call.body) };
}

function nameOf(body: unknown): string | undefined {
  const name = (body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  return typeof name === 'string' ? name : undefined;
}
