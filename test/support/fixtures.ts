// Reading and writing rule fixtures: test/fixtures/rules/<rule-id>.yaml.
//
// Each case holds a manifest in a literal block. The expected findings are caret lines under the
// line they point at:
//
//         image: nginx:latest
//   #            ^^^^^^^^^^^^ warning image-tag-mutable: Image `nginx:latest` of ...
//
// The carets mark the exact columns. A caret line is a YAML comment when it starts with `#`; a
// finding that starts in column 0 is marked by a line that starts with the carets themselves.
// Caret lines are removed before the manifest is analysed.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, parseDocument, Scalar } from 'yaml';
import type { Finding } from '../../server/src/engine/analyze.ts';

export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'rules');

export interface FixtureCase {
  name: string;
  code: string;
  settings?: Record<string, unknown>;
  /** The text after each offered fix, applied alone (absent: the rule offers none). */
  fixes?: ExpectedFix[];
}

export interface ExpectedFix {
  title: string;
  output: string;
}

export interface RuleFixture {
  ruleId: string;
  file: string;
  valid: FixtureCase[];
  invalid: FixtureCase[];
}

export interface ExpectedFinding {
  line: number;
  start: number;
  end: number;
  severity: string;
  ruleId: string;
  message: string;
}

const CARET_LINE = /^(\s*#?\s*)(\^+)\s+(error|warning|info)\s+([a-z0-9-]+):\s(.*)$/;

export function fixtureIds(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

export function loadFixture(ruleId: string): RuleFixture {
  const file = join(FIXTURE_DIR, `${ruleId}.yaml`);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
  const data = doc.toJS() as { valid?: FixtureCase[]; invalid?: FixtureCase[] };
  const check = (cases: FixtureCase[] | undefined, kind: string): FixtureCase[] => {
    if (!Array.isArray(cases) || cases.length === 0) throw new Error(`${file}: no ${kind} cases`);
    for (const c of cases) {
      if (typeof c.name !== 'string' || typeof c.code !== 'string') throw new Error(`${file}: a ${kind} case needs name and code`);
    }
    return cases;
  };
  return { ruleId, file, valid: check(data.valid, 'valid'), invalid: check(data.invalid, 'invalid') };
}

/** Splits a case's code into the manifest text and the findings its caret lines expect. */
export function parseCaretCode(code: string): { text: string; expected: ExpectedFinding[] } {
  const lines = code.split('\n');
  const kept: string[] = [];
  const expected: ExpectedFinding[] = [];
  for (const line of lines) {
    const m = CARET_LINE.exec(line);
    if (!m) {
      kept.push(line);
      continue;
    }
    if (kept.length === 0) throw new Error(`caret line before any code: ${line}`);
    const start = m[1]!.length;
    expected.push({
      line: kept.length - 1,
      start,
      end: start + m[2]!.length,
      severity: m[3]!,
      ruleId: m[4]!,
      message: m[5]!,
    });
  }
  return { text: kept.join('\n'), expected };
}

export function findingKey(f: ExpectedFinding): string {
  return `${f.line + 1}:${f.start}-${f.end} ${f.severity} ${f.ruleId}: ${f.message}`;
}

export function toExpected(f: Finding): ExpectedFinding {
  if (f.start.line !== f.end.line) throw new Error(`finding spans lines: ${f.ruleId} at line ${f.start.line + 1}`);
  return {
    line: f.start.line,
    start: f.start.character,
    end: f.end.character,
    severity: f.severity,
    ruleId: f.ruleId,
    message: f.message,
  };
}

/** Writes caret lines for `findings` under the lines of `text`. */
export function renderCaretCode(text: string, findings: ExpectedFinding[]): string {
  const lines = text.split('\n');
  const byLine = new Map<number, ExpectedFinding[]>();
  for (const f of findings) byLine.set(f.line, [...(byLine.get(f.line) ?? []), f]);
  const out: string[] = [];
  lines.forEach((line, i) => {
    out.push(line);
    for (const f of byLine.get(i) ?? []) {
      const indent = line.length - line.trimStart().length;
      const carets = '^'.repeat(Math.max(1, f.end - f.start));
      const lead = f.start === 0 ? '' : ' '.repeat(Math.min(indent, f.start - 1)) + '#' + ' '.repeat(f.start - 1 - Math.min(indent, f.start - 1));
      out.push(`${lead}${carets} ${f.severity} ${f.ruleId}: ${f.message}`);
    }
  });
  return out.join('\n');
}

/** Rewrites the invalid cases' caret lines and fixes with what the engine does now (for review in the diff). */
export function updateFixtureText(
  source: string,
  compute: (text: string, settings: unknown) => { findings: ExpectedFinding[]; fixes: ExpectedFix[] },
): string {
  const doc = parseDocument(source);
  const invalid = doc.get('invalid', true);
  if (!isSeq(invalid)) return source;
  for (const item of invalid.items) {
    if (!isMap(item)) continue;
    const codeNode = item.get('code', true);
    if (!(codeNode instanceof Scalar) || typeof codeNode.value !== 'string') continue;
    const { text } = parseCaretCode(codeNode.value);
    const settingsNode = item.get('settings', true) as { toJSON?: () => unknown } | undefined;
    const settings = settingsNode && typeof settingsNode.toJSON === 'function' ? settingsNode.toJSON() : undefined;
    const result = compute(text, settings);
    codeNode.value = renderCaretCode(text, result.findings);
    codeNode.type = Scalar.BLOCK_LITERAL;
    if (result.fixes.length === 0) {
      item.delete('fixes');
    } else {
      const fixes = doc.createNode(result.fixes.map((f) => ({ title: f.title, output: f.output })));
      for (const f of (fixes as unknown as { items: { get(k: string, keep: true): unknown }[] }).items) {
        const out = f.get('output', true);
        if (out instanceof Scalar) out.type = Scalar.BLOCK_LITERAL;
      }
      item.set('fixes', fixes);
    }
  }
  return doc.toString({ lineWidth: 0 });
}
