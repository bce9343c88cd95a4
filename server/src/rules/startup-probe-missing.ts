import { defineRule, forEachContainer } from '../engine/rule.ts';

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
      ctx.report({ at: delayPair, part: 'value', messageId: 'delay', data: { name: c.name, delay } });
    });
  },
});
