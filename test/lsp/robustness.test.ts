// The server keeps answering whatever the editor sends it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LspClient } from '../support/lsp-client.ts';
import { NASTY } from '../support/nasty.ts';

describe('language server robustness', () => {
  let client: LspClient;
  before(async () => {
    client = new LspClient();
    await client.initialize();
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0, client.stderr.join(''));
  });

  let n = 0;
  for (const [name, text] of Object.entries(NASTY)) {
    it(`answers for: ${name}`, async () => {
      const uri = `file:///project/nasty-${n++}.yaml`;
      // A generous wait: this checks that an answer comes, not how fast (npm run bench measures that),
      // and the 5 MB file of 40,000 pods takes seconds on a busy 2-core machine.
      const published = client.waitForDiagnostics(uri, 1, 120_000);
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      const { diagnostics } = await published;
      for (const d of diagnostics) {
        assert.equal(d.source, 'kubeguard');
        assert.equal(d.range.start.line, d.range.end.line);
      }
      // Still alive and responsive after the input.
      const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
      // The request is answered (not left hanging), with nothing or a real hover.
      assert.ok(hover === null || typeof hover.contents?.value === 'string', JSON.stringify(hover));
      client.notify('textDocument/didClose', { textDocument: { uri } });
    });
  }

  it('survives edits that break and repair a document mid-typing', async () => {
    const uri = 'file:///project/typing.yaml';
    let text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n';
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await client.waitForDiagnostics(uri, 1);
    const typed = '  containers: [{name: a, image: "x';
    let version = 1;
    for (const ch of typed) {
      version++;
      const line = text.split('\n').length - 1;
      const col = text.length - text.lastIndexOf('\n') - 1;
      client.notify('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line, character: col }, end: { line, character: col } }, text: ch }],
      });
      text += ch;
    }
    // The last keystroke's diagnostics arrive (earlier ones may be coalesced away).
    const last = await client.waitForDiagnostics(uri, version);
    assert.ok(last.diagnostics.some((d: any) => d.code === 'yaml-syntax'));
  });
});
