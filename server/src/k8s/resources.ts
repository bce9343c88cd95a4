import type { Container, Resource } from './resource.ts';
import type { AnyNode, Pair } from '../yaml/nodes.ts';

/**
 * Where to anchor a finding about a missing `resources.<section>.<name>`, or undefined when it is
 * set. A request left unset while the limit is set is not missing: Kubernetes copies the limit.
 * Pod-level `spec.resources` covers every container.
 * Ephemeral containers cannot declare resources and are skipped.
 */
export function missingResource(
  r: Resource,
  c: Container,
  section: 'requests' | 'limits',
  name: 'cpu' | 'memory',
): AnyNode | Pair | undefined {
  if (c.list === 'ephemeralContainers') return undefined;
  const v = r.view;
  // Pod-level resources (beta in Kubernetes 1.34) budget the whole pod, containers included.
  const podResources = r.pod ? v.get(r.pod.node, 'resources') : undefined;
  if (hasValue(r, v.get(podResources, section), name)) return undefined;
  if (section === 'requests' && hasValue(r, v.get(podResources, 'limits'), name)) return undefined;
  const resources = v.pair(c.node, 'resources');
  const sectionPair = v.pair(resources?.value, section);
  if (hasValue(r, sectionPair?.value, name)) return undefined;
  if (section === 'requests' && hasValue(r, v.get(resources?.value, 'limits'), name)) return undefined;
  return sectionPair ?? resources ?? c.anchor;
}

function hasValue(r: Resource, map: unknown, name: string): boolean {
  const p = r.view.pair(map, name);
  if (!p) return false;
  const value = r.view.value(p.value);
  return value !== null && value !== undefined && value !== '';
}
