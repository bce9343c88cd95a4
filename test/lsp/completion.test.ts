// Snippet completion from the bundled server over stdio: offered at the start of an empty file or
// document (after `---`), as snippets to clients that support them and as plain text with the
// defaults filled in to those that do not, and never inside a document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LspClient, defaultCapabilities } from '../support/lsp-client.ts';
import { expandSnippet, loadSnippets } from '../../server/src/lsp/completion.ts';

const snippets = loadSnippets();
const bodies = new Map(snippets.map((s) => [s.prefix, s.body]));

const EXISTING = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
automountServiceAccountToken: false
`;

function withCompletion(snippetSupport: boolean): object {
  const caps = defaultCapabilities() as { textDocument: Record<string, unknown> };
  caps.textDocument.completion = {
    completionItem: snippetSupport ? { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } : { snippetSupport: false },
  };
  return caps;
}

let nextDoc = 0;
function open(client: LspClient, text: string): string {
  const uri = `file:///project/new-${++nextDoc}.yaml`;
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  return uri;
}

async function complete(client: LspClient, uri: string, line: number, character: number): Promise<any[]> {
  const result = await client.request('textDocument/completion', { textDocument: { uri }, position: { line, character } });
  // A CompletionList or a plain array are both fine answers.
  return Array.isArray(result) ? result : (result?.items ?? []);
}

/** The text after applying one completion item's edit (single-line range, as the server sends). */
function applyEdit(text: string, edit: { range: any; newText: string }): string {
  const lines = text.split('\n');
  const { start, end } = edit.range;
  assert.equal(start.line, end.line);
  const offset = lines.slice(0, start.line).reduce((n, l) => n + l.length + 1, 0);
  return text.slice(0, offset + start.character) + edit.newText + text.slice(offset + end.character);
}

describe('snippet completion, client with snippet support', () => {
  let client: LspClient;

  before(async () => {
    client = new LspClient();
    const result = await client.initialize(withCompletion(true));
    assert.ok(result.capabilities.completionProvider, 'the server announces completion');
  });

  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  it('offers every snippet, as a snippet, at the top of an empty file', async () => {
    const uri = open(client, '');
    const items = await complete(client, uri, 0, 0);
    assert.equal(items.length, snippets.length);
    assert.deepEqual(items.map((i) => i.label).sort(), snippets.map((s) => s.prefix).sort());
    for (const item of items) {
      assert.equal(item.kind, 15, `${item.label}: kind Snippet`);
      assert.equal(item.insertTextFormat, 2, `${item.label}: snippet syntax`);
      // The same body as VS Code's contributed snippet: one source of truth.
      assert.equal(item.textEdit.newText, bodies.get(item.label), item.label);
      assert.deepEqual(item.textEdit.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
      assert.equal(item.documentation.kind, 'markdown');
      assert.ok(item.documentation.value.includes(expandSnippet(bodies.get(item.label)!)), `${item.label}: documentation shows the expanded text`);
    }
    const deployment = items.find((i) => i.label === 'kg-deployment');
    assert.ok(deployment.textEdit.newText.includes('${1:app}'), 'tab stops are kept');
  });

  it('replaces the prefix being typed', async () => {
    const uri = open(client, 'kg-dep');
    const items = await complete(client, uri, 0, 6);
    const item = items.find((i) => i.label === 'kg-deployment');
    assert.ok(item);
    assert.deepEqual(item.textEdit.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } });
    assert.equal(item.filterText, 'kg-deployment');
  });

  it('offers the snippets on the line after `---`, also past comments and blank lines', async () => {
    const uri = open(client, `${EXISTING}---\n\n`);
    const lines = EXISTING.split('\n').length; // the line of `---`
    assert.equal((await complete(client, uri, lines, 0)).length, snippets.length);
    const commented = open(client, `${EXISTING}--- # next object\n# an Istio policy\n\nkg-istio`);
    const items = await complete(client, commented, lines + 2, 8);
    assert.equal(items.length, snippets.length);
    assert.deepEqual(items[0].textEdit.range, { start: { line: lines + 2, character: 0 }, end: { line: lines + 2, character: 8 } });
  });

  it('offers nothing inside a document', async () => {
    const uri = open(client, `${EXISTING}\n`);
    // On the empty last line of a document that already has content.
    assert.deepEqual(await complete(client, uri, EXISTING.split('\n').length - 1, 0), []);
    // On a key, and indented under one.
    assert.deepEqual(await complete(client, uri, 3, 2), []);
    assert.deepEqual(await complete(client, uri, 1, 0), []);
    const after = open(client, `${EXISTING}---\napiVersion: v1\n\n`);
    assert.deepEqual(await complete(client, after, EXISTING.split('\n').length + 1, 0), []);
  });
});

describe('snippet completion, client without snippet support', () => {
  let client: LspClient;

  before(async () => {
    client = new LspClient();
    await client.initialize(withCompletion(false));
  });

  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  it('sends the expanded text, defaults filled in, as plain text', async () => {
    const uri = open(client, '');
    const items = await complete(client, uri, 0, 0);
    assert.equal(items.length, snippets.length);
    for (const item of items) {
      assert.equal(item.insertTextFormat, 1, `${item.label}: plain text`);
      assert.equal(item.textEdit.newText, expandSnippet(bodies.get(item.label)!), item.label);
      assert.ok(!/\$\{?\d/.test(item.textEdit.newText), `${item.label}: no tab stop left`);
      assert.equal(item.documentation.kind, 'plaintext');
    }
  });

  it('uses the line endings of the document', async () => {
    const uri = open(client, 'apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: a\r\n---\r\n');
    const items = await complete(client, uri, 5, 0);
    const item = items.find((i) => i.label === 'kg-serviceaccount');
    assert.ok(item.textEdit.newText.includes('\r\nkind: ServiceAccount\r\n'));
    assert.ok(!/[^\r]\n/.test(item.textEdit.newText));
  });

  it('inserts a manifest after `---` that KubeGuard finds nothing wrong with', async () => {
    const text = `${EXISTING}---\nkg-deploy`;
    const uri = open(client, text);
    const line = EXISTING.split('\n').length;
    const item = (await complete(client, uri, line, 9)).find((i) => i.label === 'kg-deployment');
    const published = client.waitForDiagnostics(uri, 2);
    const { range, newText } = item.textEdit;
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range, text: newText }] });
    const { diagnostics } = await published;
    assert.deepEqual(diagnostics.map((d: any) => `${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message}`), []);
    assert.match(applyEdit(text, item.textEdit), /---\napiVersion: apps\/v1\nkind: Deployment\n/);
  });
});

describe('completion in VS Code', () => {
  it('is not offered when the client has the snippets itself (initializationOptions.snippets: false)', async () => {
    const client = new LspClient();
    try {
      const result = await client.initialize(defaultCapabilities(), { snippets: false });
      assert.equal(result.capabilities.completionProvider, undefined);
    } finally {
      assert.equal(await client.shutdown(), 0);
    }
  });
});
