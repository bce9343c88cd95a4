import { defineRule, forEachContainer, type Fix } from '../engine/rule.ts';
import type { Container, Resource } from '../k8s/resource.ts';
import type { YamlValue } from '../yaml/edit.ts';
import type { Pair } from '../yaml/nodes.ts';

const HANDLERS = ['httpGet', 'tcpSocket', 'grpc', 'exec'];

/** A liveness delay at or above this many seconds marks a slow starter. */
export const SLOW_START_SECONDS = 30;

export default defineRule({
  meta: {
    id: 'startup-probe-missing',
    title: 'Long liveness delay instead of a startup probe',
    category: 'probes',
    severity: 'info',
    target: 'container',
    description:
      'A long `initialDelaySeconds` on the liveness probe is a guess at the worst start-up time: too short and slow starts end in restart loops, too long and a hung container goes unnoticed for that long after every restart. A startup probe waits exactly as long as start-up takes, then hands over to the liveness probe.',
    remediation:
      'Add a `startupProbe` with the same check and `failureThreshold × periodSeconds` covering the slowest start, and drop the long `initialDelaySeconds` from the liveness probe.',
    messages: {
      delay:
        'Container "{{name}}" delays its liveness probe by {{delay}}s instead of using a startup probe: a hang after any restart goes unnoticed for that long, and a slower start still ends in a restart loop. Add a `startupProbe` with the same check and drop the delay.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, pod, r) => {
      const v = r.view;
      if (v.map(v.get(c.node, 'startupProbe'))) return; // an empty `startupProbe:` is none
      const delayPair = v.pair(v.get(c.node, 'livenessProbe'), 'initialDelaySeconds');
      const delay = v.value(delayPair?.value);
      if (typeof delay !== 'number' || delay < SLOW_START_SECONDS) return;
      const pair = delayPair!;
      // The delay may be written once for several containers (an anchor, a `<<` merge): removing it
      // drops it from all of them, so each one that has no startup probe gets its own.
      const sharers = pod.containers.filter(
        (o) => !v.map(v.get(o.node, 'startupProbe')) && v.pair(v.get(o.node, 'livenessProbe'), 'initialDelaySeconds') === pair,
      );
      const plans = sharers.map((o) => startupPlan(r, o, delay));
      const fixes: Fix[] = plans.every((p) => p !== undefined) ? [startupFix(r, sharers, plans as StartupPlan[], pair, delay)] : [];
      ctx.report({ at: pair, part: 'value', messageId: 'delay', data: { name: c.name, delay }, fixes });
    });
  },
});

interface StartupPlan {
  probe: { [key: string]: YamlValue };
  periodSeconds: number;
  failureThreshold: number;
}

/** A positive number set on the probe, else Kubernetes' default. */
function setting(r: Resource, probe: unknown, key: string, fallback: number): number {
  const n = r.view.value(r.view.get(probe, key));
  return typeof n === 'number' && n > 0 ? n : fallback;
}

/**
 * The startup probe for a container whose liveness probe waits `delay` seconds: the same check
 * and timeout, at the liveness period, failing only after the old delay plus the liveness
 * probe's own failures. Before, a start was tolerated until the delay had passed and then
 * `failureThreshold` checks had failed; the startup probe checks from the start, so it must
 * allow the same: ceil(delay / period) + failureThreshold checks.
 */
function startupPlan(r: Resource, c: Container, delay: number): StartupPlan | undefined {
  const v = r.view;
  const liveness = v.map(v.get(c.node, 'livenessProbe'));
  const handler = HANDLERS.find((h) => v.has(liveness, h));
  if (!liveness || !handler) return undefined;
  const periodSeconds = setting(r, liveness, 'periodSeconds', 10);
  const failureThreshold = Math.ceil(delay / periodSeconds) + setting(r, liveness, 'failureThreshold', 3);
  const handlerNode = v.deref(v.get(liveness, handler)) as unknown as { toJS(doc: unknown): YamlValue };
  const probe: { [key: string]: YamlValue } = { [handler]: handlerNode.toJS(v.doc), periodSeconds };
  // A slow check stays slow while the app starts: keep a timeout above the default of 1s.
  const timeout = v.value(v.get(liveness, 'timeoutSeconds'));
  if (typeof timeout === 'number' && timeout > 1) probe.timeoutSeconds = timeout;
  probe.failureThreshold = failureThreshold;
  return { probe, periodSeconds, failureThreshold };
}

function startupFix(r: Resource, containers: Container[], plans: StartupPlan[], pair: Pair, delay: number): Fix {
  const v = r.view;
  const budgets = new Set(plans.map((p) => `${p.failureThreshold} × ${p.periodSeconds}s`));
  const budget = budgets.size === 1 ? ` (up to ${[...budgets][0]})` : '';
  const title =
    containers.length === 1
      ? `Add a startup probe with the liveness check${budget} and drop the ${delay}s delay`
      : `Add startup probes with their liveness checks to containers ${containers.map((c) => `"${c.name}"`).join(', ')}${budget} and drop the ${delay}s delay they share`;
  return {
    title,
    safety: 'suggestion',
    apply: (b) => {
      const holder = v.map(v.get(containers[0]!.node, 'livenessProbe'))!;
      b.removePair(holder, pair);
      containers.forEach((c, i) => {
        const empty = v.pair(c.node, 'startupProbe');
        if (empty) b.setValue(empty, plans[i]!.probe);
        else b.addPair(c.node, 'startupProbe', plans[i]!.probe);
      });
    },
  };
}
