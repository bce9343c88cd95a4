import { isAlias, Scalar, type Node as YamlNode } from 'yaml';
import { credentialKind, isLiteralSecret, isSecretSettingName } from '../k8s/secrets.ts';
import type { Resource } from '../k8s/resource.ts';
import { renderBlock, type EditBuilder, type YamlValue } from '../yaml/edit.ts';
import type { Pair, YAMLMap } from '../yaml/nodes.ts';
import { defineRule, type Fix } from '../engine/rule.ts';

/** Metadata names that hold a key, beyond what `isSecretSettingName` knows. */
const OTHER_SECRET_KEYS = new Set(['accountkey', 'sharedaccesskey', 'sastoken', 'appkey']);

/**
 * `password=...`, `AccountKey=...`, `SharedAccessKey=...` inside a connection string (`;` or space
 * separated), or the signature of an Azure SAS URL (`?...&sig=...`).
 */
const CONNECTION_CREDENTIAL = /(?:^|[;\s])(?:password|pwd|accountkey|sharedaccesskey|sharedaccesssignature)\s*=\s*[^;\s]|[?&]sig=[^&\s]/i;

/** What a trigger metadata entry holds, when it is a credential written out. */
function credentialIn(key: string, value: string): { messageId: 'value' | 'name'; what?: string } | undefined {
  const k = key.toLowerCase();
  // `passwordFromEnv`, `connectionFromEnv`: KEDA reads the value from the target container's environment.
  if (k.endsWith('fromenv')) return undefined;
  if (!isLiteralSecret(value)) return undefined;
  const kind = credentialKind(value) ?? (CONNECTION_CREDENTIAL.test(value) ? 'a connection string or URL with a key, password or signature in it' : undefined);
  if (kind) return { messageId: 'value', what: kind };
  if (isSecretSettingName(key) || OTHER_SECRET_KEYS.has(k)) return { messageId: 'name' };
  return undefined;
}

interface Trigger {
  node: YAMLMap;
  index: number;
  label: string;
  metaPair: Pair | undefined;
  meta: YAMLMap | undefined;
  flagged: Pair[];
}

/** A DNS label made of `text`: lower case, letters, digits and dashes. */
function dnsLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The names the fix gives the TriggerAuthentication and the Secret of a trigger: from the object's
 * name, and the trigger's name or type when the object has several triggers (so each gets its own).
 */
function namesFor(r: Resource, triggers: readonly YAMLMap[], index: number): { auth: string; secret: string } {
  const v = r.view;
  let base = r.name!;
  if (triggers.length > 1) {
    const suffixOf = (t: YAMLMap): string => dnsLabel(v.text(v.get(t, 'name')) ?? v.text(v.get(t, 'type')) ?? '') || 'trigger';
    const suffix = suffixOf(triggers[index]!);
    const shared = triggers.filter((t) => suffixOf(t) === suffix).length > 1;
    base = `${base}-${suffix}${shared ? `-${index + 1}` : ''}`;
  }
  return { auth: `${base}-trigger-auth`, secret: `${base}-secret` };
}

/** The source text of a pair of a flow map (`key: value`). */
function pairText(b: EditBuilder, p: Pair): string {
  const key = p.key as YamlNode;
  const value = p.value as YamlNode | null;
  const end = value?.range && value.range[1] > value.range[0] ? value.range[1] : key.range![1];
  return b.text.slice(key.range![0], end);
}

function moveFix(r: Resource, triggers: readonly YAMLMap[], t: Trigger): Fix | undefined {
  const v = r.view;
  const { meta, metaPair } = t;
  if (!r.name || !meta || !metaPair || isAlias(metaPair.value) || meta.anchor) return undefined;
  // Entries merged in with `<<` live somewhere else, maybe shared: leave those to the user.
  if (!t.flagged.every((p) => meta.items.includes(p))) return undefined;
  if (v.has(t.node, 'authenticationRef')) return undefined;
  const keys = t.flagged.map((p) => v.keyOf(p)!);
  const { auth, secret } = namesFor(r, triggers, t.index);
  const ticked = keys.map((k) => `\`${k}\``);
  const list = ticked.length === 1 ? ticked[0]! : `${ticked.slice(0, -1).join(', ')} and ${ticked[ticked.length - 1]}`;
  const rotate = keys.length === 1 ? 'the value, and rotate it: it was' : 'the values, and rotate them: they were';
  const quoted = keys.map((k) => `"${k}"`).join(', ');
  const holding = keys.length === 1 ? `the key ${quoted} holding the value` : `the keys ${quoted} holding the values`;
  const metadata: { [key: string]: YamlValue } = r.namespace ? { name: auth, namespace: r.namespace } : { name: auth };
  const document = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata,
    spec: { secretTargetRef: keys.map((k) => ({ parameter: k, name: secret, key: k })) },
  };
  return {
    title: `Move ${list} into a new TriggerAuthentication "${auth}" reading Secret "${secret}" (create that Secret with ${rotate} in plain text)`,
    safety: 'suggestion',
    apply: (b) => {
      if (t.flagged.length === meta.items.length) {
        b.replacePair(metaPair, 'metadata', {});
      } else if (meta.flow) {
        const kept = (meta.items as Pair[]).filter((p) => !t.flagged.includes(p));
        b.replace(meta.range![0], meta.range![1], `{${kept.map((p) => pairText(b, p)).join(', ')}}`);
      } else {
        for (const p of t.flagged) b.removePair(meta, p);
      }
      b.addPair(t.node, 'authenticationRef', { name: auth });
      b.insertDocumentAfter(b.text.length, [
        `# Placeholder: create Secret "${secret}"${r.namespace ? ` in namespace "${r.namespace}"` : ''} with ${holding} removed from ${r.kind} "${r.name}".`,
        ...renderBlock(document, '', b.style()),
      ]);
    },
  };
}

export default defineRule({
  meta: {
    id: 'keda-trigger-inline-secret',
    title: 'Credential in a KEDA trigger',
    category: 'secrets',
    severity: 'error',
    target: 'object',
    description:
      'The `metadata` of a KEDA ScaledObject or ScaledJob trigger is stored in the object in plain text: everyone who can read the object (or the Git repository) can read a password, token or connection string written there, and it shows in `kubectl get -o yaml`. KEDA reads credentials from a TriggerAuthentication (`authenticationRef`), which takes them from a Secret, or from the target container\'s environment (`...FromEnv` keys, which are references and not reported). The rule reports metadata values that look like a credential (a URL or connection string with a password or key in it, an AWS access key, a token in a known format) and values of entries named like one (`password`, `token`, `apiKey`, `secret`, `accessKey`, ...). Empty values, variables, templates and marked placeholders are left alone.',
    remediation:
      'Put the value in a Secret, reference it from a TriggerAuthentication (`secretTargetRef` with the trigger parameter name), point the trigger at it with `authenticationRef`, and rotate the exposed credential. The quick fix writes the TriggerAuthentication; the Secret is yours to create.',
    messages: {
      value:
        'Trigger {{trigger}} of {{kind}} "{{name}}" has `{{key}}` holding what looks like {{what}}, in plain text for anyone who can read this manifest or the object. Move it to a Secret read through a TriggerAuthentication (`authenticationRef`), and rotate it.',
      name:
        'Trigger {{trigger}} of {{kind}} "{{name}}" writes `{{key}}` out in its metadata, in plain text for anyone who can read this manifest or the object. Move it to a Secret read through a TriggerAuthentication (`authenticationRef`), and rotate it.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if ((r.kind !== 'ScaledObject' && r.kind !== 'ScaledJob') || r.group !== 'keda.sh') return;
    const v = r.view;
    const triggers = v.items(v.get(v.get(r.root, 'spec'), 'triggers')).map((t) => v.map(t)).filter((t): t is YAMLMap => !!t);
    triggers.forEach((node, index) => {
      const metaPair = v.pair(node, 'metadata');
      const meta = v.map(metaPair?.value);
      const type = v.text(v.get(node, 'type'));
      const named = v.text(v.get(node, 'name'));
      const label = named ? `"${named}"` : `${index + 1}${type ? ` (${type})` : ''}`;
      const t: Trigger = { node, index, label, metaPair, meta, flagged: [] };
      const found: { pair: Pair; key: string; messageId: 'value' | 'name'; what?: string }[] = [];
      for (const p of v.pairs(meta)) {
        const key = v.keyOf(p);
        const value = v.str(p.value);
        if (key === undefined || value === undefined) continue;
        const c = credentialIn(key, value);
        if (!c) continue;
        t.flagged.push(p);
        found.push({ pair: p, key, ...c });
      }
      if (found.length === 0) return;
      const fix = moveFix(r, triggers, t);
      for (const f of found) {
        const scalar = v.scalarNode(f.pair.value);
        const block = scalar?.type === Scalar.BLOCK_LITERAL || scalar?.type === Scalar.BLOCK_FOLDED;
        ctx.report({
          at: f.pair,
          part: block ? 'pair' : 'value',
          messageId: f.messageId,
          data: { trigger: t.label, kind: r.kind, name: r.name ?? '?', key: f.key, ...(f.what ? { what: f.what } : {}) },
          fixes: fix ? [fix] : [],
        });
      }
    });
  },
});
