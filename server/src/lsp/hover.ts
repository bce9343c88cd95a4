// Hover on a finding: what is wrong, why it matters and how to fix it.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { Finding } from '../engine/analyze.ts';
import { RULES_BY_ID } from '../rules/index.ts';
import { ruleDocUrl } from '../engine/docs.ts';

function contains(f: Finding, p: Position): boolean {
  const afterStart = p.line > f.start.line || (p.line === f.start.line && p.character >= f.start.character);
  const beforeEnd = p.line < f.end.line || (p.line === f.end.line && p.character <= f.end.character);
  return afterStart && beforeEnd;
}

export function hoverFor(findings: readonly Finding[], position: Position): Hover | null {
  const hits = findings.filter((f) => contains(f, position));
  if (hits.length === 0) return null;
  const sections = hits.map((f) => {
    const meta = RULES_BY_ID.get(f.ruleId)?.meta;
    const lines = [`**KubeGuard ${f.severity}: ${meta?.title ?? f.ruleId}** \`${f.ruleId}\``, '', f.message];
    if (meta) {
      lines.push('', `**Why it matters.** ${meta.description}`, '', `**How to fix.** ${meta.remediation}`);
      if (meta.pss) lines.push('', `Pod Security Standards: ${meta.pss} profile.`);
    }
    const href = ruleDocUrl(f.ruleId);
    if (href) lines.push('', `[Rule documentation](${href})`);
    return lines.join('\n');
  });
  const first = hits[0]!;
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') },
    range: { start: first.start, end: first.end },
  };
}
