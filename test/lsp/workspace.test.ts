// Workspace-wide analysis over stdio: a Deployment's NetworkPolicy finding follows policies in
// other files, created and deleted on disk (workspace/didChangeWatchedFiles) or opened and edited.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { LspClient, defaultCapabilities } from '../support/lsp-client.ts';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0
`;

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: shop
spec:
  podSelector:
    matchExpressions:
      - {key: app, operator: In, values: [api]}
  ingress:
    - ports: [{port: 8080}]
`;

const RULE = 'pod-not-covered-by-networkpolicy';

describe('workspace analysis over stdio', () => {
  let client: LspClient;
  let dir: string;
  let registered: any[] = [];
  const uriOf = (rel: string) => pathToFileURL(join(dir, rel)).href;
  const deployment = () => uriOf('orders/deployment.yaml');

  /** The next diagnostics for `uri` that pass `test` (earlier ones are skipped). */
  function diagnosticsWhere(uri: string, test: (codes: string[]) => boolean) {
    return client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && test(p.diagnostics.map((d: any) => d.code)), 15000);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeguard-ws-'));
    mkdirSync(join(dir, 'orders'));
    mkdirSync(join(dir, 'billing'));
    writeFileSync(join(dir, 'orders', 'deployment.yaml'), DEPLOYMENT);
    writeFileSync(join(dir, 'billing', 'deployment.yaml'), DEPLOYMENT.replace(/\bapi\b/g, 'billing'));
    client = new LspClient();
    client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    client.onRequest('client/registerCapability', (p: { registrations: any[] }) => {
      registered.push(...p.registrations);
      return null;
    });
    const caps = defaultCapabilities() as any;
    caps.workspace.didChangeWatchedFiles = { dynamicRegistration: true };
    caps.workspace.workspaceEdit = { documentChanges: true, resourceOperations: ['create'] };
    await client.initialize(caps, undefined, [{ uri: pathToFileURL(dir).href, name: 'ws' }]);
  });

  after(async () => {
    assert.equal(await client.shutdown(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('watches YAML files', async () => {
    for (let i = 0; i < 50 && !registered.some((r) => r.method === 'workspace/didChangeWatchedFiles'); i++) await new Promise((r) => setTimeout(r, 100));
    const reg = registered.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.ok(reg, 'registers a file watcher');
    assert.ok(reg.registerOptions.watchers.some((w: any) => /ya?ml/.test(w.globPattern)));
  });

  it('a NetworkPolicy created in another file clears the finding, and deleting it brings it back', async () => {
    const first = diagnosticsWhere(deployment(), (codes) => codes.includes(RULE));
    client.notify('textDocument/didOpen', { textDocument: { uri: deployment(), languageId: 'yaml', version: 1, text: DEPLOYMENT } });
    const found = await first;
    const d = found.diagnostics.find((x: any) => x.code === RULE);
    assert.match(d.message, /namespace "shop"/);

    const cleared = diagnosticsWhere(deployment(), (codes) => !codes.includes(RULE));
    writeFileSync(join(dir, 'orders', 'networkpolicy.yaml'), POLICY);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('orders/networkpolicy.yaml'), type: 1 }] });
    await cleared;

    const back = diagnosticsWhere(deployment(), (codes) => codes.includes(RULE));
    unlinkSync(join(dir, 'orders', 'networkpolicy.yaml'));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('orders/networkpolicy.yaml'), type: 3 }] });
    await back;
  });

  it('a policy in another scope does not count, and an edited open policy takes effect as typed', async () => {
    // billing/ is another scope: its policy does not cover orders/.
    writeFileSync(join(dir, 'billing', 'networkpolicy.yaml'), POLICY);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('billing/networkpolicy.yaml'), type: 1 }] });
    // Open a policy in orders/ that selects other pods, then edit it to select these.
    const policyUri = uriOf('orders/networkpolicy.yaml');
    const wrong = POLICY.replace('values: [api]', 'values: [web]');
    // Wait for the Deployment's re-check that the open policy triggers (registered before the
    // open, so a quick answer is not missed).
    const related = client.waitFor(
      'textDocument/publishDiagnostics',
      (p: any) => p.uri === deployment() && p.diagnostics.some((d: any) => d.code === RULE && d.relatedInformation?.some((r: any) => r.location.uri === policyUri)),
      15000,
    );
    const stillThere = diagnosticsWhere(policyUri, () => true);
    client.notify('textDocument/didOpen', { textDocument: { uri: policyUri, languageId: 'yaml', version: 1, text: wrong } });
    await stillThere;
    const result = await related;
    const info = result.diagnostics.find((x: any) => x.code === RULE).relatedInformation;
    assert.ok(info.some((r: any) => /NetworkPolicy "api" in namespace "shop" selects app=web, not these pods \(app=api\)/.test(r.message)), JSON.stringify(info));
    assert.ok(!info.some((r: any) => r.location.uri.includes('billing')), 'the other scope is not mentioned');

    const cleared = diagnosticsWhere(deployment(), (codes) => !codes.includes(RULE));
    const at = wrong.indexOf('web');
    const line = wrong.slice(0, at).split('\n').length - 1;
    const character = at - wrong.lastIndexOf('\n', at - 1) - 1;
    client.notify('textDocument/didChange', {
      textDocument: { uri: policyUri, version: 2 },
      contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 3 } }, text: 'api' }],
    });
    await cleared;
  });

  it('offers to write the missing NetworkPolicy into a new file beside the manifest', async () => {
    const uri = uriOf('billing/deployment.yaml');
    const text = DEPLOYMENT.replace(/\bapi\b/g, 'billing');
    const found = diagnosticsWhere(uri, (codes) => codes.includes(RULE));
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const d = (await found).diagnostics.find((x: any) => x.code === RULE);
    const actions: any[] = await client.request('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    // billing/networkpolicy.yaml exists (from the test above), so the new file is named after the policy.
    const create = actions.find((a) => a.title.startsWith('Create billing-allow.yaml beside this file'));
    assert.ok(create, actions.map((a) => a.title).join('\n'));
    const [op, edit] = create.edit.documentChanges;
    assert.deepEqual(op, { kind: 'create', uri: uriOf('billing/billing-allow.yaml'), options: { overwrite: false, ignoreIfExists: false } });
    assert.equal(edit.textDocument.uri, op.uri);
    const written: string = edit.edits[0].newText;
    assert.match(written, /^apiVersion: networking\.k8s\.io\/v1\nkind: NetworkPolicy\nmetadata:\n  name: billing-allow\n  namespace: shop\n/);
    // What the editor does with it: the file appears, the watcher reports it, the finding goes.
    const cleared = diagnosticsWhere(uri, (codes) => !codes.includes(RULE));
    writeFileSync(join(dir, 'billing', 'billing-allow.yaml'), written);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: op.uri, type: 1 }] });
    await cleared;
  });
});

describe('workspace folders added later', () => {
  it('indexes a folder added to the workspace, and checks its open files against it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kubeguard-ws-a-'));
    const added = mkdtempSync(join(tmpdir(), 'kubeguard-ws-b-'));
    mkdirSync(join(added, 'orders'));
    writeFileSync(join(added, 'orders', 'deployment.yaml'), DEPLOYMENT);
    writeFileSync(join(added, 'orders', 'networkpolicy.yaml'), POLICY);
    const client = new LspClient();
    client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    const caps = defaultCapabilities() as any;
    caps.workspace.workspaceFolders = true;
    try {
      const result = await client.initialize(caps, undefined, [{ uri: pathToFileURL(empty).href, name: 'a' }]);
      assert.equal(result.capabilities.workspace?.workspaceFolders?.changeNotifications, true);
      const uri = pathToFileURL(join(added, 'orders', 'deployment.yaml')).href;
      // Outside every folder, the file is checked on its own: the policy beside it is not seen.
      const alone = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.diagnostics.some((d: any) => d.code === RULE), 15000);
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: DEPLOYMENT } });
      const first = await alone;
      assert.match(first.diagnostics.find((d: any) => d.code === RULE).message, /in this file/);
      const covered = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && !p.diagnostics.some((d: any) => d.code === RULE), 15000);
      client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: pathToFileURL(added).href, name: 'b' }], removed: [] } });
      await covered;
    } finally {
      assert.equal(await client.shutdown(), 0);
      rmSync(empty, { recursive: true, force: true });
      rmSync(added, { recursive: true, force: true });
    }
  });
});
