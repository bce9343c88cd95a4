import { defineRule, type Fix, type RelatedInfo } from '../engine/rule.ts';
import type { Resource } from '../k8s/resource.ts';
import { noNamespaceNote, relatedTo, ReportCache, sameNamespaceIn, scopeOf, whereText, type Scope } from '../k8s/workloads.ts';
import { renderBlock, type YamlValue } from '../yaml/edit.ts';
import type { Pair } from '../yaml/nodes.ts';

const reports = new ReportCache();

/** The account a pod names (`serviceAccountName`, else the deprecated `serviceAccount`), with its pair. */
function accountOf(r: Resource): { name: string; pair: Pair } | undefined {
  if (!r.pod || r.kind === 'PodTemplate') return undefined;
  const v = r.view;
  for (const key of ['serviceAccountName', 'serviceAccount']) {
    const pair = v.pair(r.pod.node, key);
    const name = v.text(pair?.value);
    if (pair && name) return name === 'default' ? undefined : { name, pair };
  }
  return undefined;
}

function accountFix(r: Resource, name: string): Fix {
  const metadata: { [key: string]: YamlValue } = r.namespace ? { name, namespace: r.namespace } : { name };
  return {
    title: `Add a ServiceAccount "${name}" after this ${r.kind} (bind it to the roles the app needs)`,
    safety: 'suggestion',
    apply: (b) => b.insertDocumentAfter(b.text.length, renderBlock({ apiVersion: 'v1', kind: 'ServiceAccount', metadata }, '', b.style())),
  };
}

function isAccount(o: { kind: string; group: string }): boolean {
  return o.kind === 'ServiceAccount' && o.group === '';
}

export default defineRule({
  meta: {
    id: 'service-account-not-found',
    title: 'Pod uses a ServiceAccount that is not defined',
    category: 'service-accounts',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'A pod runs as the ServiceAccount its `serviceAccountName` names, in its own namespace. When that account does not exist the API server refuses to create the pod, so a Deployment or Job shows no pods at all and only its events say why (`serviceaccount "x" not found`). KubeGuard looks for the account in every file of the same scope (the files of one service or environment directory; see the README), in the namespace the pod lands in; the deprecated `serviceAccount` field counts when `serviceAccountName` is not set, and `default` always exists. It says nothing when the scope defines no ServiceAccount at all: accounts are then created elsewhere (a Helm chart, an operator, cluster bootstrap or the cloud provider\'s IAM tooling), and only a scope that keeps its accounts next to its workloads shows that one is missing. When the file is checked on its own, the account may be in a file KubeGuard cannot see: it then reports only when the file defines the account in another namespace, or defines an account in the pod\'s namespace that none of its pods uses (a typo or a rename).',
    remediation:
      'Fix the name, or add the ServiceAccount (with the RoleBindings the app needs) in the same namespace.',
    messages: {
      missing:
        '{{kind}} "{{name}}" runs its pods as ServiceAccount "{{account}}", but no ServiceAccount "{{account}}" is defined in namespace "{{namespace}}" ({{where}}), so the API server refuses to create its pods. Fix the name or add the ServiceAccount.',
    },
  },
  checkFile(ctx) {
    let scope: Scope | undefined;
    let hasAccounts: boolean | undefined;
    let used: Set<string> | undefined;
    for (const r of ctx.resources) {
      const account = accountOf(r);
      if (!account) continue;
      scope ??= scopeOf(ctx);
      hasAccounts ??= scope.has('ServiceAccount', ['']);
      // No account anywhere in sight: they are created elsewhere.
      if (!hasAccounts) return;
      const o = scope.objectOf(r);
      if (!o) continue;
      const named = scope.withName(account.name).filter(isAccount);
      if (named.some((a) => sameNamespaceIn(a, o))) continue;
      const related: RelatedInfo[] = [];
      for (const a of named.slice(0, 3)) {
        related.push(relatedTo(a, `ServiceAccount "${account.name}" is defined in namespace "${a.namespace}"${noNamespaceNote(a)}, not "${o.namespace}".`));
      }
      const near = scope.inNamespace('ServiceAccount', o).filter(isAccount);
      // Checked on its own, the file proves the account missing only when it defines it in another
      // namespace, or defines an account in this one that none of its pods uses (a typo, a rename).
      if (!scope.shared && named.length === 0) {
        used ??= new Set(ctx.resources.map((x) => accountOf(x)?.name ?? 'default'));
        const u = used;
        if (!near.some((a) => a.name !== undefined && !u.has(a.name))) continue;
      }
      if (near.length > 0 && related.length < 3) {
        const names = near.map((a) => `"${a.name ?? '?'}"`).slice(0, 5).join(', ');
        related.push(relatedTo(near[0]!, `ServiceAccounts defined in namespace "${o.namespace}": ${names}${near.length > 5 ? ' and more' : ''}.`));
      }
      const data = { kind: r.kind, name: r.name ?? '?', account: account.name, namespace: o.namespace, where: whereText(scope) };
      const key = JSON.stringify([data, related]);
      ctx.report(r, reports.get(r, key, () => ({ at: account.pair, part: 'value', messageId: 'missing', data, related, fixes: [accountFix(r, account.name)] })));
    }
  },
});
