// The REST path of a request: core resources under /api, grouped ones under
// /apis; create posts to the collection, every other verb names the object.
import type { KubeRequest } from './create-kube-client.js';

export function kubeRequestPath(call: KubeRequest): string {
  const root = call.apiVersion.includes('/') ? `/apis/${call.apiVersion}` : `/api/${call.apiVersion}`;
  const collection = `${root}/namespaces/${encodeURIComponent(call.namespace)}/${call.plural}`;
  return call.verb === 'create' ? collection : `${collection}/${encodeURIComponent(call.name ?? '')}`;
}
