// VS Code starts the server over Node IPC (--node-ipc); the same bundle must answer there.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { describe, it } from 'node:test';
import { SERVER_JS } from '../support/lsp-client.ts';

describe('language server over Node IPC', () => {
  it('initializes and publishes diagnostics', async () => {
    const child = fork(SERVER_JS, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const waiters: { test: (m: any) => boolean; resolve: (m: any) => void }[] = [];
    child.on('message', (m: any) => {
      if (m.method === 'workspace/configuration') child.send({ jsonrpc: '2.0', id: m.id, result: m.params.items.map(() => null) });
      const i = waiters.findIndex((w) => w.test(m));
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    });
    const next = (test: (m: any) => boolean) =>
      new Promise<any>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out')), 20000);
        waiters.push({ test, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    const init = next((m) => m.id === 1);
    child.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } } });
    assert.equal((await init).result.capabilities.hoverProvider, true);
    child.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    const published = next((m) => m.method === 'textDocument/publishDiagnostics');
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n  containers: []\n';
    child.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///w/p.yaml', languageId: 'yaml', version: 1, text } } });
    const diags = (await published).params.diagnostics;
    assert.ok(diags.some((d: any) => d.code === 'host-network' && d.range.start.line === 5));
    const down = next((m) => m.id === 2);
    child.send({ jsonrpc: '2.0', id: 2, method: 'shutdown', params: null });
    await down;
    child.send({ jsonrpc: '2.0', method: 'exit', params: null });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
  });
});
