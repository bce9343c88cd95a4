// Smoke test over other linters' test manifests (../shared/corpus/peers, when it is present):
// every file lints through the CLI without a crash and without an absurd result.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { PEER_CORPUS, yamlFiles } from '../support/corpus.ts';

const ROOT = join(__dirname, '..', '..');
const CORPUS = PEER_CORPUS;
const CLI = join(ROOT, 'dist', 'cli.js');


describe('peer corpus smoke test', { skip: existsSync(CORPUS) ? false : `no corpus at ${relative(ROOT, CORPUS)}; skipped` }, () => {
  it('lints every manifest without a crash or an absurd result', () => {
    const files = yamlFiles(CORPUS);
    assert.ok(files.length > 100, 'the corpus should hold hundreds of manifests');
    const r = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', '--fail-on', 'none', CORPUS], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    assert.equal(r.stderr, '', 'no rule crashed');
    assert.equal(r.status, 0);
    const findings = JSON.parse(r.stdout) as { file: string; line: number; column: number; endLine: number; endColumn: number; ruleId: string; message: string }[];
    const texts = new Map<string, string[]>();
    const seen = new Set<string>();
    const syntaxFiles = new Set<string>();
    for (const f of findings) {
      const path = resolve(process.cwd(), f.file);
      let lines = texts.get(path);
      if (!lines) {
        lines = readFileSync(path, 'utf8').split('\n');
        texts.set(path, lines);
      }
      const where = `${f.file}:${f.line}:${f.column} ${f.ruleId}`;
      assert.equal(f.line, f.endLine, `${where} spans lines`);
      assert.ok(f.line >= 1 && f.line <= lines.length, `${where} outside the file`);
      assert.ok(f.column >= 1 && f.endColumn >= f.column && f.endColumn <= lines[f.line - 1]!.replace(/\r$/, '').length + 1, `${where} outside its line`);
      assert.ok(f.message.length > 40 && !f.message.includes('{{'), `${where} has a broken message`);
      const key = `${where} ${f.message}`;
      assert.ok(!seen.has(key), `${where} reported twice`);
      seen.add(key);
      if (f.ruleId === 'yaml-syntax') syntaxFiles.add(f.file);
      else assert.ok(lines.join('\n').includes('apiVersion'), `${where}: a finding in a file without Kubernetes objects`);
    }
    // These are test manifests of working linters: nearly all of them must parse.
    assert.ok(syntaxFiles.size <= files.length / 100, `syntax errors in ${syntaxFiles.size} of ${files.length} files`);
  });
});
