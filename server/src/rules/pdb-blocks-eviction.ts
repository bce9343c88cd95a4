import { memoize, type Resource } from '../k8s/resource.ts';
import { matches, readSelector, type Selector } from '../k8s/selectors.ts';
import { plainReplicas, podLabelsOf, podOwnersNear, scopeOf } from '../k8s/workloads.ts';
import { defineRule, type Report } from '../engine/rule.ts';
import type { Pair } from '../yaml/nodes.ts';

function isPdb(r: Resource): boolean {
  return r.kind === 'PodDisruptionBudget' && r.group === 'policy';
}

/** What the cross-object check needs of a PDB: an integer `minAvailable` and its selector. */
interface Budget {
  pair: Pair;
  min: number;
  /** undefined: selects no pods, or the selector cannot be read. */
  selector: Selector | undefined;
}

function budgetOf(r: Resource): Budget | undefined {
  return memoize(r, 'pdb-blocks-eviction:budget', () => {
    const v = r.view;
    const spec = v.get(r.root, 'spec');
    const pair = v.pair(spec, 'minAvailable');
    const min = v.value(pair?.value);
    if (!pair || typeof min !== 'number' || !Number.isInteger(min) || min < 1) return undefined;
    const selectorNode = v.get(spec, 'selector');
    // policy/v1: no selector selects no pods, `{}` every pod of the namespace; v1beta1: `{}` selects none.
    const empty = selectorNode === undefined || v.value(selectorNode) === null || (v.map(selectorNode)?.items.length === 0 && r.version !== 'v1');
    return { pair, min, selector: empty ? undefined : readSelector(v, selectorNode) };
  });
}

/** The last cross-object report per PDB, reused while its text stays the same. */
const lastReports = new WeakMap<Resource, { key: string; report: Report }>();

function replicaReport(pdb: Resource, b: Budget, total: number, workloads: string): Report {
  const data = { name: pdb.name ?? '?', min: b.min, replicas: total, workloads };
  const key = JSON.stringify(data);
  const last = lastReports.get(pdb);
  if (last && last.key === key) return last.report;
  const report: Report = { at: b.pair, part: 'value', messageId: 'minAvailableReplicas', data };
  lastReports.set(pdb, { key, report });
  return report;
}

export default defineRule({
  meta: {
    id: 'pdb-blocks-eviction',
    title: 'PodDisruptionBudget allows no eviction',
    category: 'workloads',
    severity: 'warning',
    target: 'object',
    workspace: true,
    description:
      'A PodDisruptionBudget that allows no pod to be disrupted (`maxUnavailable: 0` or `"0%"`, `minAvailable: "100%"`, or a `minAvailable` at least as large as the replicas of the workloads it selects) makes every voluntary eviction fail. `kubectl drain`, node upgrades and the cluster autoscaler then wait forever for those pods, until someone deletes or edits the budget. The replica comparison looks at the workloads and bare Pods whose pod labels the budget selects, in the same file and in the other files of its scope (the files of one service or environment directory; see the README), and stays quiet when one of them is scaled by an autoscaler (pdb-vs-autoscaler compares the budget with the minimum of the autoscaler), or when the budget also selects pods whose number it cannot know (a DaemonSet, a Job).',
    remediation:
      'Allow at least one pod to be disrupted: `maxUnavailable: 1`, or a `minAvailable` below the replica count (and raise the replicas if the app must keep that many pods running).',
    messages: {
      noDisruption:
        'PodDisruptionBudget "{{name}}" sets `maxUnavailable: {{value}}`, so no pod it covers may ever be evicted: node drains and cluster upgrades hang until someone removes the budget. Allow at least one, e.g. `maxUnavailable: 1`.',
      allRequired:
        'PodDisruptionBudget "{{name}}" requires `minAvailable: {{value}}` of its pods, so none may ever be evicted: node drains and cluster upgrades hang until someone removes the budget. Use a lower percentage or `maxUnavailable: 1`.',
      minAvailableReplicas:
        'PodDisruptionBudget "{{name}}" sets `minAvailable: {{min}}`, but it selects only {{replicas}} pod(s) ({{workloads}}), so none may ever be evicted: node drains and cluster upgrades hang until someone removes the budget. Keep `minAvailable` below the replica count (adding replicas if needed), or use `maxUnavailable: 1`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!isPdb(r)) return;
    const v = r.view;
    const spec = v.get(r.root, 'spec');
    const name = r.name ?? '?';
    const maxPair = v.pair(spec, 'maxUnavailable');
    const max = v.value(maxPair?.value);
    if (max === 0 || (typeof max === 'string' && /^0+%$/.test(max.trim()))) {
      ctx.report({ at: maxPair, part: 'value', messageId: 'noDisruption', data: { name, value: typeof max === 'string' ? `"${max}"` : max } });
    }
    const minPair = v.pair(spec, 'minAvailable');
    const min = v.value(minPair?.value);
    const percent = typeof min === 'string' ? /^\s*(\d+)%\s*$/.exec(min) : null;
    if (percent && Number(percent[1]) >= 100) {
      ctx.report({ at: minPair, part: 'value', messageId: 'allRequired', data: { name, value: `"${min as string}"` } });
    }
  },
  checkFile(ctx) {
    // minAvailable against the replicas of the selected workloads, in this file and the other
    // files of the scope. Only the few PDBs of a file do lookups, in indexes shared by the rules.
    const budgets: [Resource, Budget][] = [];
    for (const r of ctx.resources) {
      const b = isPdb(r) ? budgetOf(r) : undefined;
      if (b?.selector) budgets.push([r, b]);
    }
    if (budgets.length === 0) return;
    const scope = scopeOf(ctx);
    for (const [pdb, b] of budgets) {
      const near = scope.objectOf(pdb);
      if (!near) continue;
      const selected = podOwnersNear(scope, near).filter((w) => matches(b.selector!, podLabelsOf(w)!));
      if (selected.length === 0) continue;
      let total = 0;
      let known = true;
      const names: string[] = [];
      for (const w of selected) {
        const pod = w.kind === 'Pod' && w.group === '';
        const count = pod ? 1 : plainReplicas(w);
        // A DaemonSet's or Job's pods, an unreadable count or an autoscaled one: the total is unknown
        // (pdb-vs-autoscaler compares a budget with its autoscaler's minimum).
        if (count === undefined || (!pod && scope.autoscalersOf(w).length > 0)) {
          known = false;
          break;
        }
        total += count;
        names.push(`${w.kind} "${w.name ?? '?'}"${pod ? '' : ` with ${count} replica${count === 1 ? '' : 's'}`}`);
      }
      if (!known || total === 0 || b.min < total) continue;
      ctx.report(pdb, replicaReport(pdb, b, total, names.sort().join(', ')));
    }
  },
});
