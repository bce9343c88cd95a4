import type { Resource } from '../k8s/resource.ts';
import type { Pair, YAMLMap } from '../yaml/nodes.ts';
import type { EditBuilder } from '../yaml/edit.ts';
import { defineRule, type Fix } from '../engine/rule.ts';

const KEY = 'sidecar.istio.io/inject';

/** What Istio's injector reads as "inject": any other non-empty value turns injection off. */
const YES = new Set(['y', 'yes', 'true', 'on']);

interface Setting {
  where: 'labels' | 'annotations';
  map: YAMLMap;
  pair: Pair;
  value: string;
}

function settingIn(r: Resource, where: Setting['where']): Setting | undefined {
  const v = r.view;
  const map = v.map(v.get(r.pod?.meta, where));
  const pair = v.pair(map, KEY);
  const value = v.text(pair?.value);
  if (!map || !pair || value === undefined) return undefined;
  return { where, map, pair, value };
}

const disables = (s: Setting | undefined): s is Setting => !!s && s.value.trim() !== '' && !YES.has(s.value.trim().toLowerCase());

/**
 * Removes the given settings. A map left empty goes with its key (`annotations:`), and a pod
 * template's `metadata:` left empty goes too; anchored maps stay, for their aliases.
 */
function removeSettings(b: EditBuilder, r: Resource, settings: readonly Setting[]): void {
  const v = r.view;
  const meta = r.pod!.meta!;
  const whole: { holder: Pair; setting: Setting }[] = [];
  for (const s of settings) {
    const holder = v.pair(meta, s.where);
    const alone = s.map.items.length === 1 && s.map.items[0] === s.pair && !s.map.anchor;
    if (alone && holder && meta.items.includes(holder)) whole.push({ holder, setting: s });
    else b.removePair(s.map, s.pair);
  }
  if (whole.length === 0) return;
  const metaPath = r.workload?.metaPath ?? [];
  const parent = metaPath.length > 1 ? v.map(v.at(r.root, metaPath.slice(0, -1))) : undefined;
  const metaPair = parent ? v.pair(parent, 'metadata') : undefined;
  if (meta.items.length === whole.length && !meta.anchor) {
    // Nothing else in the pod template's metadata: it goes as a whole.
    if (parent && metaPair && parent.items.includes(metaPair) && parent.items.length > 1) b.removePair(parent, metaPair);
    else for (const { setting } of whole) b.removePair(setting.map, setting.pair);
    return;
  }
  for (const { holder } of whole) b.removePair(meta, holder);
}

export default defineRule({
  meta: {
    id: 'istio-sidecar-injection-disabled',
    title: 'Istio sidecar injection turned off',
    category: 'networking',
    severity: 'info',
    target: 'pod',
    description:
      '`sidecar.istio.io/inject: "false"` on a pod template (as a label, which newer Istio versions read, or as the older annotation) keeps the Istio sidecar out of the pod even where its namespace has injection on. The pod then leaves the mesh: its traffic is not encrypted with mutual TLS, it has no mesh identity, and AuthorizationPolicies and STRICT PeerAuthentication cannot protect it; under STRICT mTLS it cannot reach mesh services either. Istio treats any value other than `true`, `yes`, `on` or `y` as "do not inject", and the label wins over the annotation. There are good reasons for it (Jobs whose pod would not finish with a classic sidecar, host-network agents, the mesh\'s own gateways), so the rule only informs.',
    remediation:
      'Remove the label or annotation so the pod joins the mesh, or, where leaving the mesh is deliberate, suppress the finding with the reason. For Jobs, Istio\'s native sidecars (Kubernetes 1.29+) let the pod finish with the sidecar in it.',
    messages: {
      disabled:
        'Istio sidecar injection is turned off for {{target}} ({{where}} `sidecar.istio.io/inject: "{{value}}"`): without the sidecar, traffic is not encrypted with mutual TLS and the mesh\'s authorization policies cannot protect it. Remove the {{where}} unless leaving the mesh is deliberate.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!r.pod?.meta) return;
    const label = settingIn(r, 'labels');
    const annotation = settingIn(r, 'annotations');
    // The label, when present, decides; the annotation only when there is no label.
    const effective = label ?? annotation;
    if (!disables(effective)) return;
    const remove = [effective, ...(effective === label && disables(annotation) ? [annotation] : [])];
    const what = remove.length > 1 ? 'label and annotation' : effective.where === 'labels' ? 'label' : 'annotation';
    const fix: Fix = {
      title: `Remove the \`sidecar.istio.io/inject\` ${what} (pods get the Istio sidecar where their namespace has injection on; the app must work behind the proxy)`,
      safety: 'suggestion',
      apply: (b) => removeSettings(b, r, remove),
    };
    // A label the workload's selector matches on cannot simply go.
    const v = r.view;
    const selector = v.get(v.get(r.root, 'spec'), 'selector');
    const selected = label !== undefined && (v.has(v.get(selector, 'matchLabels'), KEY) || v.has(selector, KEY));
    const name = r.name ?? '?';
    ctx.report({
      at: effective.pair,
      part: 'pair',
      messageId: 'disabled',
      data: {
        target: r.kind === 'Pod' ? `Pod "${name}"` : `the pods of ${r.kind} "${name}"`,
        where: effective.where === 'labels' ? 'label' : 'annotation',
        value: effective.value,
      },
      fixes: selected ? [] : [fix],
    });
  },
});
