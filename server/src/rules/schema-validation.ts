import { defineRule, type Fix } from '../engine/rule.ts';
import { nodeRange } from '../yaml/nodes.ts';
import { schemas, validateObject } from '../schema/validate.ts';
import { plainOf } from '../workspace/objects.ts';

/** `env` duplicates are duplicate-env-var's; reported once, with that rule's wording. */
const ENV_LIST = /\/env$/;

export default defineRule({
  meta: {
    id: 'schema-validation',
    title: 'Object does not match the Kubernetes schema',
    category: 'api',
    severity: 'error',
    target: 'object',
    description:
      'The API server checks every object against the schema of its kind. A misspelled field is worse than an error: Kubernetes drops unknown fields without a word, so `runAsNonroot: true` leaves the pod running as root. Wrong types, missing required fields and duplicate list entries are rejected when the object is applied. KubeGuard checks built-in kinds against the Kubernetes 1.34 OpenAPI schemas, and Istio, KEDA and Gateway API objects against their CRD schemas; objects of other kinds are not checked. Validation rules written in CEL (`x-kubernetes-validations`) are not evaluated.',
    remediation: 'Fix the field the message names: rename a misspelled key (the quick fix does it when the intended name is clear), quote a value that must be a string, or add the missing field.',
    messages: { schema: '{{message}}' },
  },
  check(ctx) {
    const r = ctx.resource;
    // Too large to convert (an alias bomb): nothing to validate.
    const data = plainOf(r);
    if (Object.keys(data).length === 0) return;
    const problems = validateObject(r.view, r.root, r.apiVersion, r.kind, {
      skipDuplicatesAt: ctx.isActive('duplicate-env-var') ? ENV_LIST : undefined,
      // The same plain data the workspace index keeps for the object: converted once.
      data,
    });
    for (const p of problems) {
      const fixes: Fix[] = [];
      const rename = p.rename;
      if (rename) {
        fixes.push({
          title: `Rename \`${r.view.keyOf(rename.pair) ?? ''}\` to \`${rename.to}\``,
          // The renamed field starts to take effect (a pod may now be refused to run as root):
          // worth a look before it is applied.
          safety: 'suggestion',
          apply(edit) {
            const range = nodeRange(rename.pair.key);
            if (!range) return;
            const source = edit.text.slice(range[0], range[1]);
            const quote = source.startsWith('"') || source.startsWith("'") ? source[0]! : '';
            edit.replace(range[0], range[1], `${quote}${rename.to}${quote}`);
          },
        });
      }
      const replace = p.replace;
      if (replace) {
        fixes.push({
          title: `Change \`${String(r.view.value(replace.node))}\` to \`${replace.to}\``,
          safety: 'suggestion',
          apply(edit) {
            const range = nodeRange(replace.node);
            if (!range) return;
            const source = edit.text.slice(range[0], range[1]);
            const quote = source.startsWith('"') || source.startsWith("'") ? source[0]! : '';
            edit.replace(range[0], range[1], `${quote}${replace.to}${quote}`);
          },
        });
      }
      ctx.report({ at: p.at, part: p.part, messageId: 'schema', data: { message: p.message }, detail: { keyword: p.keyword }, fixes });
    }
  },
});

/** The schema sources bundled with this version (shown in the docs and `--version`). */
export function schemaSources(): Record<string, string> {
  return schemas().sources();
}
