import type { Resource } from '../k8s/resource.ts';
import { describeSelector, selectorOfPlain, type Selector } from '../k8s/selectors.ts';
import { defineRule, type RelatedInfo, type Report } from '../engine/rule.ts';
import { dig, type WorkspaceObject } from '../workspace/objects.ts';
import { closeness, describeTemplate, namespaceOrigin, podIndex, selectsTemplate, type PodIndex } from '../workspace/pods.ts';

/** Reports are kept while what they say is unchanged, so their diagnostics are not rebuilt. */
const reports = new WeakMap<Resource, { key: string; report: Report }>();

function related(o: WorkspaceObject, selector: Selector, pods: PodIndex): RelatedInfo[] {
  const out: RelatedInfo[] = [];
  // Pods the selector would match, in another namespace: the policy landed in the wrong place.
  for (const t of pods.all()) {
    if (out.length >= 2) break;
    if (t.object.namespace === o.namespace || t.unknown || !selectsTemplate(selector, t)) continue;
    out.push({
      uri: t.object.uri,
      line: t.object.line,
      character: t.object.character,
      message: `${t.object.kind} "${t.object.name ?? '?'}" runs pods this selector matches, but in namespace "${t.object.namespace}", and a NetworkPolicy only selects pods of its own namespace ("${o.namespace}"${namespaceOrigin(o, 'policy')}).`,
    });
  }
  const near = pods
    .in(o.namespace)
    .map((t, i) => ({ t, i, score: closeness(selector, t) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, 3);
  for (const { t } of near) {
    out.push({ uri: t.object.uri, line: t.object.line, character: t.object.character, message: `${describeTemplate(t)}.` });
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'networkpolicy-selects-nothing',
    title: 'NetworkPolicy selects no pods',
    category: 'networking',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'A NetworkPolicy acts only on the pods its `podSelector` matches in its own namespace. When no workload there has those labels (a typo, a label renamed in the Deployment but not in the policy, a policy that landed in another namespace), the policy protects nothing and the pods it was written for stay open to every other pod, while the manifests suggest they are locked down. KubeGuard compares the selector (`matchLabels` and `matchExpressions`) with the pod template labels of every workload and bare Pod in the same namespace, in the file and the other files of its scope (the namespace is the object\'s own, else the one a kustomization.yaml beside it sets, else `default`). It stays quiet when the namespace has no workload there at all, since the pods may then come from a Helm chart or another repository, and when the file is checked on its own it looks only at the file. An empty `podSelector` selects every pod of the namespace and is never reported.',
    remediation:
      'Change the `podSelector` to the labels of the pods the policy is meant for (the pod template labels, not the Deployment\'s own), move the policy to their namespace, or delete it if those pods are gone.',
    messages: {
      inWorkspace:
        'NetworkPolicy "{{name}}" selects {{selector}}, but no workload in namespace "{{namespace}}" (in this file or the others checked with it) runs pods with those labels, so the policy restricts nothing and the pods it was written for stay reachable from every pod. Change the podSelector to their pod labels, or delete the policy if they are gone.',
      inFile:
        'NetworkPolicy "{{name}}" selects {{selector}}, but no workload of namespace "{{namespace}}" in this file runs pods with those labels, so the policy restricts nothing and the pods it was written for stay reachable from every pod. Change the podSelector to their pod labels, or delete the policy if they are gone.',
    },
  },
  checkFile(ctx) {
    const all = ctx.workspace.objects();
    let pods: PodIndex | undefined;
    for (const o of all) {
      const r = o.resource;
      if (!r) break; // the file's own objects come first
      if (o.kind !== 'NetworkPolicy' || o.group !== 'networking.k8s.io') continue;
      const selector = selectorOfPlain(dig(o.data, 'spec', 'podSelector'));
      // An empty selector is the whole namespace; an unreadable one might select anything.
      if (!selector || selector.requirements.length === 0) continue;
      pods ??= podIndex(ctx);
      const candidates = pods.in(o.namespace);
      // No workload of the namespace in sight: the pods may well be deployed from elsewhere.
      if (candidates.length === 0) continue;
      if (candidates.some((t) => selectsTemplate(selector, t))) continue;
      const info = related(o, selector, pods);
      const messageId = ctx.workspace.shared ? 'inWorkspace' : 'inFile';
      const data = { name: r.name ?? '?', selector: describeSelector(selector), namespace: o.namespace };
      const key = `${messageId}|${JSON.stringify(data)}|${JSON.stringify(info)}`;
      let cached = reports.get(r);
      if (!cached || cached.key !== key) {
        const v = r.view;
        const at = v.pair(v.get(r.root, 'spec'), 'podSelector') ?? r.anchor;
        cached = { key, report: { at, messageId, data, related: info } };
        reports.set(r, cached);
      }
      ctx.report(r, cached.report);
    }
  },
});
