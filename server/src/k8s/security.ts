// Facts from the Pod Security Standards and container runtimes that several rules share.

/** Capabilities the baseline profile allows to be added (the container runtime's default set). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/**
 * A capability name as a runtime may read it in `capabilities.add`: upper case, without a `CAP_`
 * prefix. CRI-O accepts `CAP_SYS_ADMIN` for SYS_ADMIN; containerd does not (it prefixes `CAP_`
 * itself and asks for the unknown CAP_CAP_SYS_ADMIN), so this is the conservative reading for
 * "is it added?" only: see `droppedCapability` for drops.
 */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/**
 * A capability name as every runtime reads it in `capabilities.drop`: case does not matter, but a
 * `CAP_` prefix is kept, because containerd reads `CAP_NET_RAW` as the unknown CAP_CAP_NET_RAW and
 * drops nothing. "Is it dropped?" must not count on CRI-O's leniency.
 */
export function droppedCapability(name: string): string {
  return name.trim().toUpperCase();
}

/**
 * The capabilities the container runtime grants by default (containerd's and Docker's set; CRI-O's
 * default set is smaller): what a container keeps unless `capabilities.drop` names it or ALL.
 */
export const RUNTIME_DEFAULT_CAPABILITIES: ReadonlySet<string> = new Set([...BASELINE_CAPABILITIES, 'NET_RAW']);

/**
 * Which rules may flag an added capability, most specific first. The first rule that is on
 * reports it; the others stay quiet so one token gets one finding.
 */
export function addedCapabilityChain(cap: string, written: string = cap): readonly string[] {
  // Pod Security admission compares names exactly: `CAP_CHOWN` or `chown` is not on its list even
  // though the runtime reads it as CHOWN, so baseline admission rejects the pod.
  if (written.trim() !== cap && (cap === 'NET_BIND_SERVICE' || BASELINE_CAPABILITIES.has(cap))) {
    return ['capabilities-add-baseline', 'capabilities-add-restricted'];
  }
  if (cap === 'NET_BIND_SERVICE') return [];
  if (cap === 'SYS_ADMIN') return ['cap-sys-admin', 'capabilities-add-baseline', 'capabilities-add-restricted'];
  if (cap === 'NET_RAW') return ['net-raw', 'capabilities-add-baseline', 'capabilities-add-restricted'];
  if (!BASELINE_CAPABILITIES.has(cap)) return ['capabilities-add-baseline', 'capabilities-add-restricted'];
  return ['capabilities-add-restricted'];
}

/** Sysctls the baseline profile allows, as of Kubernetes 1.34. */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

/** Sysctls a later Kubernetes release adds to the safe list (not yet allowed by a 1.34 cluster). */
export const LATER_SAFE_SYSCTLS: ReadonlyMap<string, string> = new Map([
  ['net.ipv4.tcp_slow_start_after_idle', '1.37'],
  ['net.ipv4.tcp_notsent_lowat', '1.37'],
]);

/** Sysctl names may use `/` as the separator. */
export function normalizeSysctl(name: string): string {
  return name.trim().replace(/\//g, '.');
}

/** SELinux types the baseline profile allows. */
export const ALLOWED_SELINUX_TYPES: ReadonlySet<string> = new Set([
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);

/** Volume types the restricted profile allows (besides `name`). */
export const RESTRICTED_VOLUME_TYPES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

const RUNTIME_SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/var/run/cri-dockerd.sock',
  '/run/cri-dockerd.sock',
  '/var/run/dockershim.sock',
];
const RUNTIME_SOCKET_DIRS = ['/var/run/containerd', '/run/containerd', '/var/run/crio', '/run/crio', '/var/run', '/run'];

/** `/var/run/` and `/var//run` both name `/var/run`. */
export function normalizeHostPath(path: string): string {
  let p = path.trim().replace(/\/+/g, '/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** The runtime socket this host path exposes (the socket itself or a directory that holds one). */
export function runtimeSocketOf(path: string): string | undefined {
  const p = normalizeHostPath(path);
  if (RUNTIME_SOCKETS.includes(p)) return p;
  if (/\/(docker|containerd|crio|cri-dockerd|dockershim)\.sock$/.test(p)) return p;
  if (RUNTIME_SOCKET_DIRS.includes(p)) return p;
  return undefined;
}

const SENSITIVE_HOST_DIRS = [
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib64',
  '/proc',
  '/sys',
  '/usr',
  '/bin',
  '/sbin',
  '/root',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/kubelet',
  '/var/lib/etcd',
  '/var/log',
  '/home',
];

/**
 * The sensitive directory a host path is, is inside of, or contains (`/var` holds
 * `/var/lib/kubelet`, so mounting it exposes that too).
 */
export function sensitiveHostDir(path: string): string | undefined {
  const p = normalizeHostPath(path);
  if (p === '/') return '/';
  const inside = SENSITIVE_HOST_DIRS.find((d) => p === d || p.startsWith(d + '/'));
  if (inside) return inside;
  const contained = SENSITIVE_HOST_DIRS.find((d) => d.startsWith(p + '/'));
  return contained;
}

import { containerSecurityContext } from './pod.ts';
import type { Container, Resource } from './resource.ts';
import type { AnyNode, Pair } from '../yaml/nodes.ts';
import { forEachContainer, owner, type Fix, type ObjectContext } from '../engine/rule.ts';
import type { EditBuilder } from '../yaml/edit.ts';

export interface CapabilityEntry {
  node: AnyNode;
  /**
   * The name as the runtime may read it, upper case: in `add` without a `CAP_` prefix (anything a
   * runtime may grant counts as added), in `drop` with the prefix kept (only what every runtime
   * drops counts as dropped).
   */
  cap: string;
  written: string;
}

export interface Capabilities {
  pair: Pair | undefined;
  add: CapabilityEntry[];
  drop: CapabilityEntry[];
  dropPair: Pair | undefined;
}

/** The `capabilities` pair of a container, its `add` and `drop` lists. */
export function capabilitiesOf(r: Resource, c: Container): Capabilities {
  const v = r.view;
  const pair = v.pair(containerSecurityContext(r, c), 'capabilities');
  const list = (key: string, read: (name: string) => string): CapabilityEntry[] =>
    v.items(v.get(pair?.value, key)).flatMap((node) => {
      const written = v.text(node);
      return written === undefined ? [] : [{ node, cap: read(written), written }];
    });
  return {
    pair,
    add: list('add', normalizeCapability),
    drop: list('drop', droppedCapability),
    dropPair: v.pair(pair?.value, 'drop'),
  };
}

/** Whether every runtime drops `cap` (a normalised name): `drop` names it or ALL, in any case, without `CAP_`. */
export function isDropped(caps: Capabilities, cap: string): boolean {
  return caps.drop.some((d) => d.cap === cap || d.cap === 'ALL');
}

export interface HostPathVolume {
  /** The volume entry. */
  node: AnyNode;
  name: string | undefined;
  /** The `hostPath:` pair. */
  pair: Pair;
  pathPair: Pair | undefined;
  path: string | undefined;
}

/** Every hostPath volume of a pod spec. */
export function hostPathVolumes(r: Resource): HostPathVolume[] {
  const v = r.view;
  if (!r.pod) return [];
  const out: HostPathVolume[] = [];
  for (const vol of v.items(v.get(r.pod.node, 'volumes'))) {
    const pair = v.pair(vol, 'hostPath');
    if (!pair) continue;
    const pathPair = v.pair(pair.value, 'path');
    out.push({ node: vol, name: v.text(v.get(vol, 'name')), pair, pathPair, path: v.text(pathPair?.value) });
  }
  return out;
}

/** Which rules may flag a hostPath volume, most specific first. */
export function hostPathChain(path: string | undefined): string[] {
  const chain: string[] = [];
  if (path !== undefined && runtimeSocketOf(path)) chain.push('container-runtime-socket');
  if (path !== undefined && sensitiveHostDir(path)) chain.push('sensitive-host-path');
  chain.push('host-path-volume', 'restricted-volume-types');
  return chain;
}

/**
 * The fix that takes one entry out of `capabilities.add` (the whole `add` key when it was the
 * last entry). A capability the runtime grants by default stays granted unless it is dropped.
 */
export function removeAddedCapability(r: Resource, c: Container, entry: CapabilityEntry): Fix {
  const caps = capabilitiesOf(r, c);
  const keeps = RUNTIME_DEFAULT_CAPABILITIES.has(entry.cap) && !isDropped(caps, entry.cap);
  const effect = keeps
    ? `the process may keep ${entry.cap}: runtimes grant it by default when it is not dropped`
    : 'the process loses that capability';
  return {
    title: `Remove \`${entry.written}\` from \`capabilities.add\` (${effect})`,
    safety: 'suggestion',
    // NET_RAW leaves `add` but the runtime still grants it by default until it is dropped.
    reveals: entry.cap === 'NET_RAW' ? ['net-raw'] : [],
    apply: (b) => {
      const map = b.view.map(capabilitiesOf(r, c).pair?.value);
      const pair = b.view.pair(map, 'add');
      if (map && pair) b.removeListItems(map, pair, [entry.node]);
    },
  };
}

/** Adds a capability to the container's `capabilities.drop`, creating what is missing. */
export function addToDrop(c: Container, cap: string): (b: EditBuilder) => void {
  return (b) => {
    const caps = b.view.map(b.view.get(b.view.get(c.node, 'securityContext'), 'capabilities'));
    if (caps) b.addToList(caps, 'drop', cap);
    else b.setIn(c.node, ['securityContext', 'capabilities', 'drop'], [cap]);
  };
}

/** Runs `fn` for each added capability that `ruleId` is the one to report (see addedCapabilityChain). */
export function forEachOwnedCapability(
  ctx: ObjectContext,
  ruleId: string,
  fn: (entry: CapabilityEntry, c: Container, r: Resource) => void,
): void {
  forEachContainer(ctx, (c, _pod, r) => {
    for (const entry of capabilitiesOf(r, c).add) {
      if (owner(ctx, addedCapabilityChain(entry.cap, entry.written)) === ruleId) fn(entry, c, r);
    }
  });
}
