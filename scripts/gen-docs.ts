// Generates docs/rules/<id>.md and docs/rules.md from the rules' metadata and fixtures.
//   node --import tsx scripts/gen-docs.ts           write the pages
//   node --import tsx scripts/gen-docs.ts --check   exit 1 when a page is stale
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../server/src/rules/index.ts';
import type { RuleMeta, Safety } from '../server/src/engine/rule.ts';
import { analyze } from '../server/src/engine/analyze.ts';
import { fixesFor } from '../server/src/engine/fixes.ts';
import { normalizeSettings } from '../server/src/engine/settings.ts';
import { FIXTURE_DIR, loadFixture, parseCaretCode } from '../test/support/fixtures.ts';
import { PEERS, PEER_TOOLS, type PeerCheck } from './peers.ts';
import { NOT_IMPLEMENTED } from './catalog.ts';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'docs', 'rules');

const CATEGORY_TITLES: Record<RuleMeta['category'], string> = {
  'security-context': 'Pod and container security context',
  capabilities: 'Linux capabilities',
  host: 'Host namespaces and volumes',
  probes: 'Probes and ports',
  resources: 'Resources',
  images: 'Images',
  secrets: 'Secrets',
  'service-accounts': 'Service accounts',
  rbac: 'RBAC',
  workloads: 'Workload hygiene',
  networking: 'Networking',
  api: 'API versions and schema',
  syntax: 'YAML',
};

function severityText(meta: RuleMeta): string {
  return meta.severity === 'off' ? 'off (opt-in)' : meta.severity;
}

function pssText(meta: RuleMeta): string {
  if (!meta.pss) return 'not a Pod Security Standards control';
  return meta.pss === 'baseline'
    ? 'baseline (and therefore restricted)'
    : 'restricted only; off with `kubeguard.profile: baseline`';
}

function example(ruleId: string): { failing?: string; passing?: string } {
  if (!existsSync(join(FIXTURE_DIR, `${ruleId}.yaml`))) return {};
  const f = loadFixture(ruleId);
  // Caret lines that are not YAML comments are dropped from the example; the others stay as
  // comments that show the underline.
  const clean = (code: string) => code.split('\n').filter((l) => !/^\s*\^/.test(l)).join('\n').trimEnd();
  return { failing: clean(f.invalid[0]!.code), passing: clean(f.valid[0]!.code) };
}

/** The most fix titles a page lists; rules whose titles name the manifest's values have many. */
const MAX_FIXES = 5;

/**
 * The quick fixes the rule offers on its fixture's failing cases, in order of first appearance,
 * with their safety. Computed by running the rule, so it matches what the editor offers.
 */
function offeredFixes(ruleId: string): { shown: { title: string; safety: Safety }[]; more: number } {
  if (!existsSync(join(FIXTURE_DIR, `${ruleId}.yaml`))) return { shown: [], more: 0 };
  const seen = new Map<string, Safety>();
  for (const c of loadFixture(ruleId).invalid) {
    const { text } = parseCaretCode(c.code);
    for (const f of analyze(text, normalizeSettings(c.settings ?? {}), { only: [ruleId] })) {
      for (const fix of fixesFor(f)) if (!seen.has(fix.title)) seen.set(fix.title, fix.safety);
    }
  }
  const all = [...seen].map(([title, safety]) => ({ title, safety }));
  return { shown: all.slice(0, MAX_FIXES), more: Math.max(0, all.length - MAX_FIXES) };
}

const SAFETY_LABEL: Record<Safety, string> = { safe: 'Safe', suggestion: 'Suggestion' };

const SAFETY_TEXT: Record<Safety, string> = {
  safe: '*Safe* fixes do not change how the workload runs, so they also run together as `source.fixAll.kubeguard` (for example on save) and in `kubeguard fix`.',
  suggestion: '*Suggestions* change how the workload runs, so they are offered in the editor only.',
};

function fixSection(ruleId: string): string[] {
  const { shown, more } = offeredFixes(ruleId);
  const lines = ['## Quick fixes', ''];
  if (shown.length === 0) {
    lines.push(
      'This rule has no automatic fix: the right change depends on the manifest and what it is for, so it needs a person’s judgement.',
      'To accept a finding on purpose, use the quick fix that ignores it on that line or for that object.',
      '',
    );
    return lines;
  }
  lines.push('The editor offers these fixes on a finding (the light bulb, or Ctrl+.); some titles vary with the manifest:', '');
  for (const f of shown) lines.push(`- *${SAFETY_LABEL[f.safety]}*: ${f.title}`);
  if (more > 0) lines.push(`- and ${more} more, depending on the manifest`);
  lines.push('');
  for (const kind of ['safe', 'suggestion'] as const) if (shown.some((f) => f.safety === kind)) lines.push(SAFETY_TEXT[kind]);
  lines.push('');
  return lines;
}

function peerText(c: PeerCheck): string {
  return c.note ? `\`${c.check}\` (${c.note})` : `\`${c.check}\``;
}

function peerSection(ruleId: string): string[] {
  const checks = PEERS[ruleId] ?? [];
  const lines = ['## Equivalent rules in other tools', ''];
  if (checks.length === 0) {
    lines.push('None of the peer linters we compared has an equivalent check.', '');
    return lines;
  }
  lines.push('Checks of other linters that flag the same thing ([how they were compared](../rules.md#equivalent-rules-in-other-tools)):', '');
  for (const tool of PEER_TOOLS) {
    const mine = checks.filter((c) => c.tool === tool);
    if (mine.length > 0) lines.push(`- ${tool}: ${mine.map(peerText).join(', ')}`);
  }
  lines.push('');
  return lines;
}

export function renderRulePage(meta: RuleMeta): string {
  const ex = example(meta.id);
  const lines = [
    `# ${meta.id}`,
    '',
    `**${meta.title}**`,
    '',
    '| | |',
    '|---|---|',
    `| Default severity | ${severityText(meta)} |`,
    `| Pod Security Standards | ${pssText(meta)} |`,
    `| Category | ${CATEGORY_TITLES[meta.category]} |`,
    `| Checks | ${meta.target === 'file' ? 'the file' : `each ${meta.target}`} |`,
    '',
    '## Why it matters',
    '',
    meta.description,
    '',
    '## How to fix',
    '',
    meta.remediation,
    '',
    ...fixSection(meta.id),
  ];
  if (ex.failing) {
    lines.push('## Example', '', 'Flagged (the comment lines show the underline and the message):', '', '```yaml', ex.failing, '```', '');
  }
  if (ex.passing) lines.push('Not flagged:', '', '```yaml', ex.passing, '```', '');
  lines.push(...peerSection(meta.id));
  lines.push(
    '## Configuration',
    '',
    'Change the severity or turn the rule off in the `kubeguard.rules` setting:',
    '',
    '```json',
    `"kubeguard.rules": { "${meta.id}": "${meta.severity === 'off' ? 'warning' : 'off'}" }`,
    '```',
    '',
    `From the command line: \`kubeguard lint --rule ${meta.id}=${meta.severity === 'off' ? 'warning' : 'off'} <paths>\`.`,
    '',
  );
  return lines.join('\n');
}

export function renderIndex(): string {
  const lines = ['# KubeGuard rules', '', 'Generated from the rules themselves; `npm run docs` refreshes this list.', ''];
  const byCategory = new Map<string, RuleMeta[]>();
  for (const r of RULES) byCategory.set(r.meta.category, [...(byCategory.get(r.meta.category) ?? []), r.meta]);
  for (const [cat, metas] of byCategory) {
    lines.push(`## ${CATEGORY_TITLES[cat as RuleMeta['category']]}`, '', '| Rule | What it flags | Default | PSS |', '|---|---|---|---|');
    for (const m of metas) lines.push(`| [\`${m.id}\`](rules/${m.id}.md) | ${m.title} | ${severityText(m)} | ${m.pss ?? '—'} |`);
    lines.push('');
  }
  const waiting = Object.entries(NOT_IMPLEMENTED);
  if (waiting.length > 0) {
    lines.push(
      '## Not implemented yet',
      '',
      'These catalog rules are planned, and their ids are reserved: the rules will have exactly these names.',
      '',
      '| Rule | Why not yet |',
      '|---|---|',
      ...waiting.map(([id, n]) => `| \`${id}\` | ${n.reason} |`),
      '',
    );
  } else {
    lines.push('Every rule of the catalog is implemented.', '');
  }
  lines.push(
    '## Equivalent rules in other tools',
    '',
    `Each rule page lists the checks of ${PEER_TOOLS.slice(0, -1).join(', ')} and ${PEER_TOOLS.at(-1)} that flag the same thing,`,
    'by the names their own test suites use: kube-linter check names, Polaris check ids, Checkov check names',
    '(a `CKV_K8S` id where the tests state one), kube-score check ids and Trivy check ids. Each mapping was',
    'made by reading the manifests those tests pass and fail. A check that covers only part of a rule, or more',
    'than it, carries a note; kube-score appears only where its tests name the check id.',
    '',
  );
  return lines.join('\n');
}

export function expectedDocs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const r of RULES) files.set(join(OUT, `${r.meta.id}.md`), renderRulePage(r.meta));
  files.set(join(ROOT, 'docs', 'rules.md'), renderIndex());
  return files;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const files = expectedDocs();
  let stale = 0;
  if (!check) mkdirSync(OUT, { recursive: true });
  for (const [file, text] of files) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (current === text) continue;
    stale++;
    if (check) console.error(`stale: ${file}`);
    else writeFileSync(file, text);
  }
  for (const f of existsSync(OUT) ? readdirSync(OUT) : []) {
    const full = join(OUT, f);
    if (files.has(full)) continue;
    stale++;
    if (check) console.error(`not generated by any rule: ${full}`);
    else rmSync(full);
  }
  if (check && stale > 0) {
    console.error('Run `npm run docs` to refresh the rule pages.');
    process.exit(1);
  }
  if (!check) console.log(`${files.size} pages written, ${stale} changed.`);
}
