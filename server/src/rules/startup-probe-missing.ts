import { defineRule, forEachContainer, type Fix } from '../engine/rule.ts';
import type { YamlValue } from '../yaml/edit.ts';

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
    forEachContainer(ctx, (c, _pod, r) => {
      const v = r.view;
      if (v.map(v.get(c.node, 'startupProbe'))) return; // an empty `startupProbe:` is none
      const delayPair = v.pair(v.get(c.node, 'livenessProbe'), 'initialDelaySeconds');
      const delay = v.value(delayPair?.value);
      if (typeof delay !== 'number' || delay < SLOW_START_SECONDS) return;
      const liveness = v.map(v.get(c.node, 'livenessProbe'))!;
      const handler = HANDLERS.find((h) => v.has(liveness, h));
      const period = v.value(v.get(liveness, 'periodSeconds'));
      const periodSeconds = typeof period === 'number' && period > 0 ? period : 10;
      // The startup probe waits as long as the old delay, check by check; then liveness takes over.
      const failureThreshold = Math.max(1, Math.ceil(delay / periodSeconds));
      const pair = delayPair!;
      const fixes: Fix[] = handler
        ? [
            {
              title: `Add a startup probe with the liveness check (up to ${failureThreshold} × ${periodSeconds}s) and drop the ${delay}s delay`,
              safety: 'suggestion',
              apply: (b) => {
                const handlerNode = v.deref(v.get(liveness, handler)) as unknown as { toJS(doc: unknown): YamlValue };
                b.removePair(liveness, pair);
                const probe = { [handler]: handlerNode.toJS(v.doc), periodSeconds, failureThreshold };
                const empty = v.pair(c.node, 'startupProbe');
                if (empty) b.setValue(empty, probe);
                else b.addPair(c.node, 'startupProbe', probe);
              },
            },
          ]
        : [];
      ctx.report({ at: pair, part: 'value', messageId: 'delay', data: { name: c.name, delay }, fixes });
    });
  },
});
