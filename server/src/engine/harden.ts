// "Harden pod security context (restricted profile)": every edit the restricted Pod Security
// Standards profile asks for, on the pod and all its containers at once, as one fix.
import { containerSecurityContext, isWindowsPod, podSecurityContext } from '../k8s/pod.ts';
import type { Container, Resource } from '../k8s/resource.ts';
import { capabilitiesOf } from '../k8s/security.ts';
import type { EditBuilder, YamlValue } from '../yaml/edit.ts';
import type { YAMLMap } from '../yaml/nodes.ts';
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

export const HARDEN_TITLE =
  'Harden pod security context (restricted profile): run as non-root, no privilege escalation, drop all capabilities, RuntimeDefault seccomp — check that the image runs as a non-root user';

export function hardenFix(r: Resource, ruleId: string): Fix | undefined {
  const pod = r.pod;
  if (!pod || !OFFERED_FOR.has(ruleId) || isWindowsPod(r, pod)) return undefined;
  return { title: HARDEN_TITLE, safety: 'suggestion', apply: (b) => harden(b, r) };
}

/** Writes `additions` into the map held by `pair`'s value (or as that value when it is empty). */
function addAll(b: EditBuilder, owner: YAMLMap, key: string, additions: Record<string, YamlValue>): void {
  if (Object.keys(additions).length === 0) return;
  const v = b.view;
  const pair = v.pair(owner, key);
  const map = v.map(pair?.value);
  if (!pair) b.addPair(owner, key, additions);
  else if (!map || (map.items.length === 0 && !map.flow)) b.setValue(pair, additions);
  else for (const [k, value] of Object.entries(additions)) b.addPair(map, k, value);
}

function harden(b: EditBuilder, r: Resource): void {
  const v = b.view;
  const pod = r.pod!;
  // The pod: runAsNonRoot and a confined seccomp profile for every container.
  const podSc = podSecurityContext(r, pod);
  const podAdd: Record<string, YamlValue> = {};
  const nonRoot = v.pair(podSc, 'runAsNonRoot');
  if (!nonRoot) podAdd.runAsNonRoot = true;
  else if (v.value(nonRoot.value) !== true) b.setValue(nonRoot, true);
  const seccomp = v.pair(podSc, 'seccompProfile');
  const typePair = v.pair(seccomp?.value, 'type');
  if (!seccomp) podAdd.seccompProfile = { type: 'RuntimeDefault' };
  else if (!typePair) addAll(b, podSc!, 'seccompProfile', { type: 'RuntimeDefault' });
  else if (!CONFINED.has(v.str(typePair.value) ?? '')) b.setValue(typePair, 'RuntimeDefault');
  addAll(b, pod.node, 'securityContext', podAdd);

  // Containers that share a securityContext through an alias are edited once, where it is written.
  const done = new Set<unknown>();
  for (const c of pod.containers) hardenContainer(b, r, c, done);
}

function hardenContainer(b: EditBuilder, r: Resource, c: Container, done: Set<unknown>): void {
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
  const nonRoot = v.pair(sc, 'runAsNonRoot');
  if (nonRoot && v.value(nonRoot.value) !== true) b.setValue(nonRoot, true);
  const typePair = v.pair(v.get(sc, 'seccompProfile'), 'type');
  if (typePair && !CONFINED.has(v.str(typePair.value) ?? '')) b.setValue(typePair, 'RuntimeDefault');

  const caps = capabilitiesOf(r, c);
  const capsMap = v.map(caps.pair?.value);
  if (!caps.pair) {
    add.capabilities = { drop: ['ALL'] };
  } else if (!capsMap) {
    b.setValue(caps.pair, { drop: ['ALL'] });
  } else {
    if (!caps.drop.some((d) => d.written === 'ALL')) b.addToList(capsMap, 'drop', 'ALL');
    const addSeq = v.seq(v.get(capsMap, 'add'));
    const disallowed = caps.add.filter((a) => a.written !== 'NET_BIND_SERVICE').map((a) => a.node);
    if (addSeq && disallowed.length > 0) b.removeItems(addSeq, disallowed);
  }
  addAll(b, c.node, 'securityContext', add);
}
