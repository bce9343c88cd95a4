// Code actions as an editor uses them: request, apply the returned edits, re-open, look again.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspClient } from '../support/lsp-client.ts';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'orders');

interface Pos {
  line: number;
  character: number;
}
interface Edit {
  range: { start: Pos; end: Pos };
  newText: string;
}

/** Applies LSP text edits the way an editor does (all positions refer to the original text). */
export function applyLspEdits(text: string, edits: Edit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: Pos) => Math.min(text.length, (starts[p.line] ?? text.length) + p.character);
  const sorted = edits
    .map((e, i) => ({ start: offset(e.range.start), end: offset(e.range.end), text: e.newText, i }))
    .sort((a, b) => a.start - b.start || a.i - b.i);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    assert.ok(e.start >= at, 'overlapping edits from the server');
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

describe('code actions', () => {
  let client: LspClient;
  let n = 0;
  before(async () => {
    client = new LspClient();
    await client.initialize();
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  async function open(text: string): Promise<{ uri: string; diagnostics: any[] }> {
    const uri = `file:///project/ca-${n++}.yaml`;
    const published = client.waitForDiagnostics(uri, 1);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return { uri, diagnostics: (await published).diagnostics };
  }

  function count(diagnostics: any[], code: string): number {
    return diagnostics.filter((d) => d.code === code).length;
  }

  it('every action for every finding in examples/ removes that finding once applied', async () => {
    let applied = 0;
    for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'))) {
      const text = readFileSync(join(EXAMPLES, file), 'utf8');
      const { uri, diagnostics } = await open(text);
      for (const d of diagnostics) {
        const actions: any[] = await client.request('textDocument/codeAction', {
          textDocument: { uri },
          range: d.range,
          context: { diagnostics: [d], only: ['quickfix'] },
        });
        const mine = actions.filter((a) => a.diagnostics?.some((x: any) => x.code === d.code && x.range.start.line === d.range.start.line));
        assert.ok(mine.length >= 2, `${file}: ${d.code} should offer at least the two suppressions`);
        for (const action of mine) {
          assert.equal(action.kind, 'quickfix');
          const fixed = applyLspEdits(text, action.edit.changes[uri]);
          const again = await open(fixed);
          assert.ok(
            count(again.diagnostics, d.code) < count(diagnostics, d.code),
            `${file}: "${action.title}" leaves ${d.code} in place`,
          );
          assert.ok(!again.diagnostics.some((x) => x.code === 'yaml-syntax'), `${file}: "${action.title}" breaks the YAML`);
          applied++;
        }
      }
    }
    assert.ok(applied > 30, `only ${applied} actions were exercised`);
  });

  it('offers fix-all as source.fixAll.kubeguard with safe fixes only', async () => {
    // The example worker, with a user id: `runAsNonRoot: true` then changes nothing at run time.
    const text = readFileSync(join(EXAMPLES, 'worker.yaml'), 'utf8').replace('privileged: true\n', 'privileged: true\n            runAsUser: 1000\n');
    const { uri, diagnostics } = await open(text);
    const actions: any[] = await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.kubeguard');
    const fixed = applyLspEdits(text, actions[0].edit.changes[uri]);
    const again = await open(fixed);
    // runAsNonRoot for a container that already runs as UID 1000 is a safe fix; privileged,
    // allowPrivilegeEscalation (no_new_privs) and seccomp change behaviour.
    assert.equal(count(diagnostics, 'run-as-non-root'), 1);
    assert.equal(count(again.diagnostics, 'run-as-non-root'), 0);
    for (const code of ['privileged-container', 'allow-privilege-escalation', 'seccomp-profile-required']) {
      assert.equal(count(again.diagnostics, code), count(diagnostics, code), code);
    }
    assert.ok(fixed.startsWith(text.split('\n')[0]!), 'the comment on the first line is kept');
  });

  it('a quick-fix request does not return fix-all, and fix-all returns nothing on a clean file', async () => {
    const { uri } = await open('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {a: b}\n');
    const none: any[] = await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.kubeguard'] },
    });
    assert.deepEqual(none, []);
  });

  it('answers for the latest text even when asked before the edit was analysed', async () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers: []\n';
    const { uri } = await open(text);
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 5, character: 2 }, end: { line: 5, character: 2 } }, text: 'hostIPC: true\n  ' }],
    });
    const actions: any[] = await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 5, character: 0 }, end: { line: 6, character: 20 } },
      context: { diagnostics: [] },
    });
    const titles = actions.map((a) => a.title);
    assert.ok(titles.some((t) => t.startsWith('Remove `hostIPC: true`')), titles.join('\n'));
    assert.ok(titles.some((t) => t.startsWith('Remove `hostPID: true`')), titles.join('\n'));
  });
});
