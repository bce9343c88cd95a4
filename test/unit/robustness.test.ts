// Bad input never crashes the engine, and what can be reported is reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, Analyzer } from '../../server/src/engine/analyze.ts';
import { NASTY } from '../support/nasty.ts';

function ids(text: string): string[] {
  return analyze(text).map((f) => f.ruleId);
}

describe('robustness', () => {
  for (const [name, text] of Object.entries(NASTY)) {
    it(`survives: ${name}`, () => {
      const findings = analyze(text);
      const lines = text.split('\n');
      for (const f of findings) {
        assert.ok(f.start.line === f.end.line, `${f.ruleId} spans lines`);
        assert.ok(f.start.line < lines.length, `${f.ruleId} beyond the last line`);
        assert.ok(f.end.character <= lines[f.start.line]!.length + 1, `${f.ruleId} beyond the line end`);
        assert.ok(!f.message.includes('{{'), `${f.ruleId} message has an unfilled placeholder`);
      }
    });
  }

  it('reports a syntax error at its line and keeps linting the other documents', () => {
    const text = NASTY['malformed YAML'] + '---\n' + 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n  hostPID: true\n';
    const findings = analyze(text);
    assert.ok(findings.some((f) => f.ruleId === 'yaml-syntax' && f.start.line >= 3 && f.start.line <= 5));
    const hostPid = findings.find((f) => f.ruleId === 'host-pid-ipc');
    assert.equal(hostPid?.start.line, 11);
  });

  it('flags tabs and still lints nothing in the broken document', () => {
    const findings = analyze(NASTY['tabs for indentation']!);
    assert.deepEqual(findings.map((f) => `${f.start.line}:${f.start.character} ${f.ruleId}`), ['3:0 yaml-syntax']);
    assert.match(findings[0]!.message, /tab/i);
  });

  it('reports a duplicate key and keeps linting that document', () => {
    const findings = ids(NASTY['duplicate keys']!);
    assert.ok(findings.includes('yaml-syntax'));
    assert.ok(findings.includes('run-as-non-root'));
  });

  it('lints through merge bombs and self-merges instead of hanging or dropping the document', { timeout: 30000 }, () => {
    assert.ok(ids(NASTY['merge bomb']!).includes('automount-sa-token'));
    assert.ok(ids(NASTY['a map that merges itself']!).includes('host-pid-ipc'));
  });

  it('lints manifests whose string values hold Go templates (Vault agent annotations)', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    vault.hashicorp.com/agent-inject-template-db: |
      {{- with secret "database/creds/app" -}}
      postgres://{{ .Data.username }}@db
      {{- end }}
    note: "{{ not a template }}" # {{ nor this }}
spec:
  hostPID: true
  containers: [{name: a, image: "x:1"}]
`;
    assert.ok(ids(text).includes('host-pid-ipc'));
  });

  it('underlines an unclosed quote where the string opens', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "web\nspec: {}\n';
    const f = analyze(text).find((x) => x.ruleId === 'yaml-syntax')!;
    assert.deepEqual([f.start.line, f.start.character], [3, 8]);
  });

  it('reports a container aliased into two lists once per finding', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n    - &c {name: a, image: "x:1", securityContext: {privileged: true}}\n  containers:\n    - *c\n';
    assert.equal(ids(text).filter((i) => i === 'privileged-container').length, 1);
  });

  it('stays silent on Helm templates', () => {
    assert.deepEqual(ids(NASTY['Helm template']!), []);
  });

  it('gives one clear notice for binary data', () => {
    const findings = analyze(NASTY['binary bytes']!);
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /binary data/);
  });

  it('reports deep nesting as a syntax error, not a crash', () => {
    for (const name of ['deeply nested flow sequence', 'deeply nested block sequence']) {
      const findings = analyze(NASTY[name]!);
      assert.ok(findings.length > 0, name);
      assert.ok(findings.every((f) => f.ruleId === 'yaml-syntax'), name);
    }
  });

  it('does not expand aliases: the bomb document is linted like any other', () => {
    assert.ok(ids(NASTY['alias bomb']!).includes('automount-sa-token'));
  });

  it('lints CRLF files at the same positions as LF files', () => {
    const crlf = analyze(NASTY['CRLF line endings']!).map((f) => `${f.start.line}:${f.start.character}-${f.end.character} ${f.ruleId}`);
    const lf = analyze(NASTY['CRLF line endings']!.replace(/\r\n/g, '\n')).map((f) => `${f.start.line}:${f.start.character}-${f.end.character} ${f.ruleId}`);
    assert.deepEqual(crlf, lf);
    assert.ok(crlf.includes('9:20-24 privileged-container'));
  });

  it('lints files with a BOM and a %YAML directive', () => {
    assert.ok(ids(NASTY['BOM and directives']!).includes('privileged-container'));
  });

  it('lints the items of a List', () => {
    assert.ok(ids(NASTY['kind List with items']!).includes('privileged-container'));
  });

  it('finds the same problems in every document of a 5 MB file', () => {
    const text = NASTY['a 5 MB file']!;
    const docs = text.split('---\n').length;
    assert.equal(analyze(text).filter((f) => f.ruleId === 'privileged-container').length, docs);
  });

  it('gives the same findings incrementally as from scratch', () => {
    const base = NASTY['a 5 MB file']!.slice(0, 20000);
    const analyzer = new Analyzer();
    analyzer.run(base);
    const edits = [
      (t: string) => t.replace('privileged: true', 'privileged: false'),
      (t: string) => t.replace('name: p3\n', 'name: p3\n  namespace: x\n'),
      (t: string) => t.replace('---\n', ''),
      (t: string) => '---\n' + t,
      (t: string) => t + 'apiVersion: v1\nkind: Pod\nspec: {hostIPC: true}\n',
      (t: string) => t.replace('image: nginx:1.27', 'image: nginx'),
    ];
    let text = base;
    for (const edit of edits) {
      text = edit(text);
      const key = (fs: ReturnType<typeof analyze>) => fs.map((f) => `${f.startOffset}-${f.endOffset} ${f.ruleId} ${f.message}`);
      assert.deepEqual(key(analyzer.run(text)), key(analyze(text)));
    }
  });
});
