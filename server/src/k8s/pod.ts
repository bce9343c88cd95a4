import type { EditBuilder, YamlValue } from '../yaml/edit.ts';
// The effective security context of a container: a container value overrides the pod's, and a
// pod value applies to every container that leaves the field unset.
import type { AnyNode, Pair, Primitive, YAMLMap } from '../yaml/nodes.ts';
import type { Container, PodSpec, Resource } from './resource.ts';

/** Fields a PodSecurityContext shares with a container SecurityContext. */
export type SharedField =
  | 'runAsUser'
  | 'runAsGroup'
  | 'runAsNonRoot'
  | 'seLinuxOptions'
  | 'seccompProfile'
  | 'appArmorProfile'
  | 'windowsOptions';

export interface Effective {
  /** Where the effective value is written, or 'unset'. */
  from: 'container' | 'pod' | 'unset';
  pair: Pair | undefined;
  node: AnyNode | undefined;
  value: Primitive | undefined;
}

export function podSecurityContext(r: Resource, pod: PodSpec): YAMLMap | undefined {
  return r.view.map(r.view.get(pod.node, 'securityContext'));
}

export function containerSecurityContext(r: Resource, c: Container): YAMLMap | undefined {
  return r.view.map(r.view.get(c.node, 'securityContext'));
}

/** The effective value of a field that both the pod and the container security context may set. */
export function effective(r: Resource, pod: PodSpec, c: Container, field: SharedField): Effective {
  const v = r.view;
  const own = v.pair(containerSecurityContext(r, c), field);
  if (own && v.deref(own.value) !== undefined && v.value(own.value) !== null) {
    return { from: 'container', pair: own, node: own.value as AnyNode, value: v.value(own.value) };
  }
  const inherited = v.pair(podSecurityContext(r, pod), field);
  if (inherited && v.deref(inherited.value) !== undefined && v.value(inherited.value) !== null) {
    return { from: 'pod', pair: inherited, node: inherited.value as AnyNode, value: v.value(inherited.value) };
  }
  return { from: 'unset', pair: undefined, node: undefined, value: undefined };
}

/** A field only containers have (privileged, allowPrivilegeEscalation, capabilities, ...). */
export function containerField(r: Resource, c: Container, field: string): Effective {
  const v = r.view;
  const pair = v.pair(containerSecurityContext(r, c), field);
  if (!pair || v.deref(pair.value) === undefined || v.value(pair.value) === null) {
    return { from: 'unset', pair: undefined, node: undefined, value: undefined };
  }
  return { from: 'container', pair, node: pair.value as AnyNode, value: v.value(pair.value) };
}

/** Whether the pod runs Windows containers (some Linux-only controls do not apply). */
export function isWindowsPod(r: Resource, pod: PodSpec): boolean {
  return r.view.str(r.view.at(pod.node, ['os', 'name'])) === 'windows';
}

export interface SecurityContextPlace {
  /** The securityContext map (undefined where it is not written). */
  sc: YAMLMap | undefined;
  /** `pod`, or `container ("name")`, for messages. */
  scope: string;
  container: Container | undefined;
}

/** The pod's securityContext, then each container's: the places a shared field can be set. */
export function securityContexts(r: Resource, pod: PodSpec): SecurityContextPlace[] {
  const places: SecurityContextPlace[] = [{ sc: podSecurityContext(r, pod), scope: 'pod', container: undefined }];
  for (const c of pod.containers) places.push({ sc: containerSecurityContext(r, c), scope: `container ("${c.name}")`, container: c });
  return places;
}

/** Writes a container securityContext field: replaces the value where it is, or adds it (creating the map). */
export function setContainerField(c: Container, field: string, value: YamlValue): (b: EditBuilder) => void {
  return (b) => {
    const pair = b.view.pair(b.view.get(c.node, 'securityContext'), field);
    if (pair) b.setValue(pair, value);
    else b.setIn(c.node, ['securityContext', field], value);
  };
}

/** Writes a pod securityContext field path (e.g. `seccompProfile.type`), creating what is missing. */
export function setPodField(pod: PodSpec, path: readonly string[], value: YamlValue): (b: EditBuilder) => void {
  return (b) => b.setIn(pod.node, ['securityContext', ...path], value);
}
