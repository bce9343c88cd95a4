import { isBinding } from '../k8s/rbac.ts';
import { memoize, type Resource } from '../k8s/resource.ts';
import { namespacesMayMatch } from '../k8s/selectors.ts';
import { defineRule, type Fix, type Report } from '../engine/rule.ts';
import { renderBlock, type YamlValue } from '../yaml/edit.ts';
import type { Pair } from '../yaml/nodes.ts';
import { serviceAccountName } from './automount-sa-token.ts';

export default defineRule({
  meta: {
    id: 'default-service-account',
    title: 'Default service account in use',
    category: 'service-accounts',
    severity: 'warning',
    target: 'object',
    description:
      'Every namespace has a ServiceAccount named `default`, and every pod that names no account runs as it. Rights granted to `default` therefore reach every such pod of the namespace, and a pod that runs as it with its token mounted can use whatever rights anyone granted it, now or later. Dedicated accounts keep each workload\'s rights its own and show in RBAC who may do what.',
    remediation:
      'Give each workload its own ServiceAccount and set `serviceAccountName`; bind roles to those accounts rather than to `default`, and set `automountServiceAccountToken: false` on the `default` account.',
    messages: {
      workload:
        '{{kind}} "{{name}}" {{runs}} the `default` service account with its API token mounted. Every pod of the namespace that names no account shares it, so rights granted to it reach all of them and one compromised pod can use them. Give the workload its own ServiceAccount (`serviceAccountName`).',
      binding:
        '{{kind}} "{{name}}" grants its role to the `default` service account{{of}}, so every pod there that names no service account gets these rights. Bind a dedicated ServiceAccount that only the pods needing them use.',
      account:
        'ServiceAccount "default"{{of}} {{how}}, so every pod of the namespace that names no account gets an API token. Set `automountServiceAccountToken: false`; pods that call the API should use their own account.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (isBinding(r)) {
      checkBinding(r, (x) => ctx.report(x));
      return;
    }
    if (r.kind !== 'ServiceAccount' || r.group !== '' || r.name !== 'default') return;
    const v = r.view;
    const p = v.pair(r.root, 'automountServiceAccountToken');
    if (p && v.isFalse(p.value)) return;
    const title = 'Set `automountServiceAccountToken: false` on this account (pods that name no account no longer get an API token)';
    const explicit = p && v.scalarNode(p.value) && v.text(p.value) !== undefined;
    ctx.report({
      at: explicit ? p : r.anchor,
      part: explicit ? 'value' : undefined,
      messageId: 'account',
      data: {
        of: r.namespace ? ` (namespace "${r.namespace}")` : '',
        how: explicit ? `sets \`automountServiceAccountToken: ${v.scalarNode(p.value)!.source}\`` : 'leaves `automountServiceAccountToken` on',
      },
      fixes: [{ title, safety: 'suggestion', apply: (b) => (p ? b.setValue(p, false) : b.addPair(r.root, 'automountServiceAccountToken', false)) }],
    });
  },
  checkFile(ctx) {
    // A `default` ServiceAccount in the file that turns automount off keeps the token out of the
    // pods that use it (an object without a namespace may meet one in any namespace).
    const defaults: { namespace: string | undefined; quiet: boolean }[] = [];
    const names = new Map<string, (string | undefined)[]>();
    for (const r of ctx.resources) {
      if (r.kind !== 'ServiceAccount' || r.group !== '' || !r.name) continue;
      if (r.name === 'default') defaults.push({ namespace: r.namespace, quiet: r.view.isFalse(r.view.get(r.root, 'automountServiceAccountToken')) });
      names.set(r.name, [...(names.get(r.name) ?? []), r.namespace]);
    }
    for (const r of ctx.resources) {
      if (!r.pod) continue;
      const w = workloadOf(r);
      if (!w) continue;
      if (w.podLevel === 'unset') {
        const candidates = defaults.filter((a) => namespacesMayMatch(a.namespace, r.namespace));
        if (candidates.length > 0 && candidates.every((a) => a.quiet)) continue;
      }
      const existing = r.name !== undefined && (names.get(r.name) ?? []).some((ns) => namespacesMayMatch(ns, r.namespace));
      const fix = existing ? w.useFix : w.createFix;
      ctx.report(r, fix ? { ...w.report, fixes: [fix] } : w.report);
    }
  },
});

interface Workload {
  podLevel: 'unset' | 'on';
  report: Report;
  /** Creates a ServiceAccount named after the workload and runs the pods as it. */
  createFix: Fix | undefined;
  /** Runs the pods as the ServiceAccount of the workload's name that the file already defines. */
  useFix: Fix | undefined;
}

/** What the rule needs of a workload that runs as `default`, read once per object. */
function workloadOf(r: Resource): Workload | undefined {
  return memoize(r, 'default-service-account:workload', (): Workload | undefined => {
    const pod = r.pod!;
    const v = r.view;
    if (serviceAccountName(r) !== 'default') return undefined;
    const auto = v.pair(pod.node, 'automountServiceAccountToken');
    if (auto && v.isFalse(auto.value)) return undefined;
    const named = v.pair(pod.node, 'serviceAccountName');
    const alias = v.pair(pod.node, 'serviceAccount');
    // The field that chose `default`: serviceAccountName unless it is empty and the alias is set.
    const source = named && v.text(named.value) ? named : alias && v.text(alias.value) ? alias : named ?? alias;
    const shown = source && v.text(source.value) !== undefined && v.text(source.value) !== '';
    const report: Report = {
      at: source ? source : pod.pair ?? r.anchor,
      part: source && shown ? 'value' : undefined,
      messageId: 'workload',
      data: { kind: r.kind, name: r.name ?? '?', runs: r.kind === 'Pod' ? 'runs as' : 'runs its pods as' },
    };
    // A workload named `default` has no name of its own to give its account.
    const name = r.name === 'default' ? undefined : r.name;
    const setName = (b: Parameters<Fix['apply']>[0], account: string): void => {
      if (named) b.setValue(named, account);
      else if (alias && pod.node.items.includes(alias)) b.replacePair(alias, 'serviceAccountName', account);
      else b.addPair(pod.node, 'serviceAccountName', account);
    };
    const noun = r.kind === 'Pod' ? 'the pod' : 'its pods';
    return {
      podLevel: auto && v.isTrue(auto.value) ? 'on' : 'unset',
      report,
      createFix: name
        ? {
            title: `Add ServiceAccount "${name}" without an API token after this ${r.kind} and run ${noun} as it (grant it RBAC if the app calls the API)`,
            safety: 'suggestion',
            apply: (b) => {
              setName(b, name);
              const metadata: { [key: string]: YamlValue } = { name };
              if (r.namespace) metadata.namespace = r.namespace;
              b.insertDocumentAfter(
                b.text.length,
                renderBlock({ apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false }, '', b.style()),
              );
            },
          }
        : undefined,
      useFix: name
        ? { title: `Run ${noun} as the ServiceAccount "${name}" defined in this file`, safety: 'suggestion', apply: (b) => setName(b, name) }
        : undefined,
    };
  });
}

function checkBinding(r: Resource, report: (x: Report) => void): void {
  const v = r.view;
  for (const subject of v.items(v.get(r.root, 'subjects'))) {
    const kind = v.text(v.get(subject, 'kind'));
    const namePair: Pair | undefined = v.pair(subject, 'name');
    const name = v.text(namePair?.value);
    let namespace: string | undefined;
    if (kind === 'ServiceAccount' && name === 'default') {
      namespace = v.text(v.get(subject, 'namespace')) || r.namespace;
    } else if (kind === 'User' && name?.startsWith('system:serviceaccount:') && name.endsWith(':default')) {
      // The user name Kubernetes gives a service account's token: system:serviceaccount:<ns>:<name>.
      const parts = name.split(':');
      if (parts.length !== 4) continue;
      namespace = parts[2];
    } else {
      continue;
    }
    report({
      at: namePair,
      part: 'value',
      messageId: 'binding',
      data: { kind: r.kind, name: r.name ?? '?', of: namespace ? ` of namespace "${namespace}"` : ' of its namespace' },
    });
  }
}
