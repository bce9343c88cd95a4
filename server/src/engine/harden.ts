// "Harden pod security context (restricted profile)": every edit the restricted Pod Security
// Standards profile asks for, on the pod and all its containers at once, as one fix.
import { containerSecurityContext, effective, isWindowsPod, podSecurityContext } from '../k8s/pod.ts';
import type { Container, PodSpec, Resource } from '../k8s/resource.ts';
import { capabilitiesOf, normalizeCapability, type Capabilities } from '../k8s/security.ts';
import type { EditBuilder, YamlValue } from '../yaml/edit.ts';
import type { YAMLMap, YamlView } from '../yaml/nodes.ts';
import type { Fix } from './rule.ts';

/** Findings that offer the workload-wide hardening as well as their own fix. */
const OFFERED_FOR = new Set([
  'privileged-container',
  'allow-privilege-escalation',
  'run-as-non-root',
  'seccomp-profile-required',
  'seccomp-unconfined',
  'capabilities-drop-all',
  'capabilities-add-restricted',
  'capabilities-add-baseline',
  'cap-sys-admin',
  'net-raw',
]);

const CONFINED = new Set(['RuntimeDefault', 'Localhost']);

const TITLE_PREFIX = 'Harden pod security context (restricted profile)';

export function hardenFix(r: Resource, ruleId: string): Fix | undefined {
  const pod = r.pod;
  if (!pod || !OFFERED_FOR.has(ruleId) || isWindowsPod(r, pod)) return undefined;
  // Every container runs as UID 0: the fix writes no runAsNonRoot, so it does nothing for that rule.
  if (ruleId === 'run-as-non-root' && rootContainers(r, pod).length === pod.containers.length) return undefined;
  return { title: hardenTitle(r, pod), safety: 'suggestion', apply: (b) => harden(b, r) };
}

/**
 * Containers whose effective runAsUser is 0. `runAsNonRoot: true` would stop the kubelet from
 * starting them, so the pod does not get it; choosing another UID is for the user to do.
 */
function rootContainers(r: Resource, pod: PodSpec): Container[] {
  return pod.containers.filter((c) => effective(r, pod, c, 'runAsUser').value === 0);
}

/** The title says everything the fix does, and what it leaves to the user. */
function hardenTitle(r: Resource, pod: PodSpec): string {
  const root = rootContainers(r, pod);
  const others = pod.containers.filter((c) => !root.includes(c));
  const names = root.map((c) => `"${c.name}"`).join(', ');
  const nonRoot =
    root.length === 0
      ? 'run as non-root'
      : others.length === 0
        ? `no runAsNonRoot (${names} ${root.length === 1 ? 'runs' : 'run'} as UID 0: set a non-zero runAsUser yourself)`
        : `run as non-root except ${names} (UID 0: set a non-zero runAsUser yourself)`;
  const v = r.view;
  const localhost = [podSecurityContext(r, pod), ...pod.containers.map((c) => containerSecurityContext(r, c))].some(
    (sc) => seccompType(v, v.get(sc, 'seccompProfile')) === 'Localhost',
  );
  const seccomp = localhost ? 'RuntimeDefault seccomp (Localhost where a localhostProfile is named)' : 'RuntimeDefault seccomp';
  // A container without a runAsUser runs as the image's user, which runAsNonRoot then requires to be non-root.
  const imageUser = others.some((c) => typeof effective(r, pod, c, 'runAsUser').value !== 'number');
  return (
    `${TITLE_PREFIX}: ${nonRoot}, no privilege escalation, privileged off, drop all capabilities and remove added ones ` +
    `but NET_BIND_SERVICE, ${seccomp}${imageUser ? ' — check that the image runs as a non-root user' : ''}`
  );
}

/**
 * The seccomp type to write into a written `seccompProfile`, or undefined when its type is already
 * confined: `Localhost` when it names a `localhostProfile` (the API server rejects that field next
 * to any other type), `RuntimeDefault` otherwise.
 */
function seccompType(v: YamlView, profile: unknown): 'RuntimeDefault' | 'Localhost' | undefined {
  if (profile === undefined) return undefined;
  const type = v.str(v.get(profile, 'type'));
  if (type !== undefined && CONFINED.has(type)) return undefined;
  return v.str(v.get(profile, 'localhostProfile')) ? 'Localhost' : 'RuntimeDefault';
}

/** Writes `additions` into the map held by `pair`'s value (or as that value when it is empty). */
function addAll(b: EditBuilder, owner: YAMLMap, key: string, additions: Record<string, YamlValue>): void {
  if (Object.keys(additions).length === 0) return;
  const v = b.view;
  const pair = v.pair(owner, key);
  const map = v.map(pair?.value);
  if (!pair) b.addPair(owner, key, additions);
  else if (!map || (map.items.length === 0 && !map.flow)) b.setValue(pair, additions);
  else b.addPairs(map, additions);
}

/** Sets a written `seccompProfile` (`key` of `sc`) to a confined type. */
function confineSeccomp(b: EditBuilder, sc: YAMLMap, key: string): void {
  const v = b.view;
  const profile = v.get(sc, key);
  const type = seccompType(v, profile);
  if (!type) return;
  const typePair = v.pair(profile, 'type');
  if (typePair) b.setValue(typePair, type);
  else addAll(b, sc, key, { type });
}

function harden(b: EditBuilder, r: Resource): void {
  const v = b.view;
  const pod = r.pod!;
  const root = new Set(rootContainers(r, pod));
  // The pod: runAsNonRoot (unless a container runs as UID 0) and a confined seccomp profile for every container.
  const podSc = podSecurityContext(r, pod);
  const podAdd: Record<string, YamlValue> = {};
  if (root.size === 0) {
    const nonRoot = v.pair(podSc, 'runAsNonRoot');
    if (!nonRoot) podAdd.runAsNonRoot = true;
    else if (v.value(nonRoot.value) !== true) b.setValue(nonRoot, true);
  }
  if (!v.pair(podSc, 'seccompProfile')) podAdd.seccompProfile = { type: 'RuntimeDefault' };
  else confineSeccomp(b, podSc!, 'seccompProfile');
  addAll(b, pod.node, 'securityContext', podAdd);

  // Containers that share a securityContext through an alias are edited once, where it is written.
  const done = new Set<unknown>();
  for (const c of pod.containers) hardenContainer(b, r, pod, c, done, root.size > 0, root.has(c));
}

/**
 * One container. `perContainer`: runAsNonRoot goes on each container rather than the pod, because
 * some container (`runsAsRoot`) has UID 0 and is left alone.
 */
function hardenContainer(b: EditBuilder, r: Resource, pod: PodSpec, c: Container, done: Set<unknown>, perContainer: boolean, runsAsRoot: boolean): void {
  const v = b.view;
  const sc = containerSecurityContext(r, c);
  if (sc) {
    if (done.has(sc)) return;
    done.add(sc);
  }
  const add: Record<string, YamlValue> = {};
  const ape = v.pair(sc, 'allowPrivilegeEscalation');
  if (!ape) add.allowPrivilegeEscalation = false;
  else if (v.value(ape.value) !== false) b.setValue(ape, false);
  const privileged = v.pair(sc, 'privileged');
  if (privileged && v.isTrue(privileged.value)) b.setValue(privileged, false);
  if (!runsAsRoot) {
    const nonRoot = v.pair(sc, 'runAsNonRoot');
    if (nonRoot && v.value(nonRoot.value) !== true) b.setValue(nonRoot, true);
    else if (!nonRoot && perContainer && effective(r, pod, c, 'runAsNonRoot').value !== true) add.runAsNonRoot = true;
  }
  if (sc && v.pair(sc, 'seccompProfile')) confineSeccomp(b, sc, 'seccompProfile');

  const caps = capabilitiesOf(r, c);
  const capsMap = v.map(caps.pair?.value);
  if (!caps.pair) add.capabilities = { drop: ['ALL'] };
  else if (!capsMap) b.setValue(caps.pair, { drop: ['ALL'] });
  else hardenCapabilities(b, caps, capsMap);
  addAll(b, c.node, 'securityContext', add);
}

/** `drop` gets ALL as admission spells it; `add` keeps only NET_BIND_SERVICE, spelled so. */
function hardenCapabilities(b: EditBuilder, caps: Capabilities, capsMap: YAMLMap): void {
  const v = b.view;
  let addDropAll = false;
  if (!caps.drop.some((d) => d.written === 'ALL')) {
    // `all` or `CAP_ALL` (which CRI-O reads as ALL and containerd ignores): rewrite it in place.
    const variant = caps.drop.find((d) => normalizeCapability(d.written) === 'ALL');
    if (variant) b.replace(variant.node.range![0], variant.node.range![1], 'ALL');
    else addDropAll = true;
  }

  const addPair = v.pair(capsMap, 'add');
  const addSeq = v.seq(addPair?.value);
  if (addPair && addSeq) {
    const keep = caps.add.find((a) => a.cap === 'NET_BIND_SERVICE');
    const doomed = caps.add.filter((a) => a !== keep).map((a) => a.node);
    const rewrite = keep && keep.written !== 'NET_BIND_SERVICE' ? new Map([[keep.node as unknown, 'NET_BIND_SERVICE']]) : undefined;
    // Nothing left: the `add` key goes (when `capabilities` held only `add`, `drop` takes its place).
    if (doomed.length > 0 && doomed.length === addSeq.items.length) b.removeListItems(capsMap, addPair, doomed);
    else b.removeItems(addSeq, doomed, rewrite);
  }
  if (addDropAll) b.addToList(capsMap, 'drop', 'ALL');
}
