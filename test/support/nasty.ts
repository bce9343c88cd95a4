// Inputs that must never crash the engine or the server.

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n';

function aliasBomb(): string {
  const levels = 'abcdefghi';
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata: {name: bomb}', 'spec:', `  ${levels[0]}: &${levels[0]} [${Array(9).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels.length; i++) {
    lines.push(`  ${levels[i]}: &${levels[i]} [${Array(9).fill(`*${levels[i - 1]}`).join(', ')}]`);
  }
  lines.push('  containers: *i', '  volumes: *i', '  securityContext: {sysctls: *i}', '');
  return lines.join('\n');
}

/** A realistic multi-document file of about `bytes` bytes. */
export function bigFile(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const doc = POD.replace('name: p', `name: p${i}`);
    parts.push(doc);
    size += doc.length + 4;
  }
  return parts.join('---\n');
}

/** Each level merges the previous one twice: expanding it naively doubles the work per level. */
export function mergeBomb(levels: number): string {
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata: {name: merge-bomb}', 'x0: &a0 {k: v}'];
  for (let i = 1; i <= levels; i++) lines.push(`x${i}: &a${i} {<<: [*a${i - 1}, *a${i - 1}], k${i}: v}`);
  lines.push('spec:', `  <<: *a${levels}`, '  containers: [{name: c, image: "x:1"}]', '');
  return lines.join('\n');
}

export const NASTY: Record<string, string> = {
  'merge bomb': mergeBomb(40),
  'a map that merges itself': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: &s\n  <<: *s\n  hostPID: true\n  containers: [{name: a, image: "x:1"}]\n',
  'malformed YAML': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\nspec: {containers: [\n',
  'tabs for indentation': 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: tabbed\n',
  'duplicate keys': POD + '        privileged: false\n',
  'Helm template': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "app.fullname" . }}\nspec:\n  {{- if not .Values.autoscaling.enabled }}\n  replicas: {{ .Values.replicas }}\n  {{- end }}\n  template:\n    spec:\n      containers:\n        - name: app\n          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n',
  'binary bytes': '\u0000\u0001\u0002PK\u0003\u0004' + 'x'.repeat(100) + '\u0000',
  'binary without NUL bytes': Array.from({ length: 20000 }, (_, i) => String.fromCharCode(((i * 7919) % 0xd700) + 1)).join(''),
  'alias bomb': aliasBomb(),
  'deeply nested flow sequence': 'apiVersion: v1\nkind: Pod\nspec: ' + '['.repeat(50000) + ']'.repeat(50000) + '\n',
  'deeply nested block sequence': 'apiVersion: v1\nkind: Pod\nspec:\n' + Array.from({ length: 3000 }, (_, i) => ' '.repeat(i + 1) + '- ').join('\n') + 'x\n',
  'only a document separator': '---\n',
  'empty': '',
  'CRLF line endings': POD.replace(/\n/g, '\r\n'),
  'BOM and directives': '\uFEFF%YAML 1.1\n---\n' + POD,
  'one 6 MB line': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: ' + 'x'.repeat(6_000_000) + '\n',
  'a 5 MB file': bigFile(5 * 1024 * 1024),
  'unpaired surrogates and odd characters': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "\uD800\uDFFF\uDC00 \u2028 \u0085"\n',
  'scalar document': 'just a string\n',
  'a list at the top': '- apiVersion: v1\n  kind: Pod\n',
  'non-string kind': 'apiVersion: v1\nkind: [Pod]\nspec: {}\n',
  'kind List with items': 'apiVersion: v1\nkind: List\nitems:\n  - ' + POD.replace(/\n(?=.)/g, '\n    '),
};
