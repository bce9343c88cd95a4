// The bundled server over stdio, driven the way an editor drives it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LspClient, defaultCapabilities } from '../support/lsp-client.ts';

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels: {app: api}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.2
          securityContext:
            privileged: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
          livenessProbe: {httpGet: {path: /healthz, port: 8080}}
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: api}}}]
  replicas: 2
  selector: {matchLabels: {app: api}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{ports: [{port: 8080}]}]
`;

function openDoc(client: LspClient, uri: string, text: string, version = 1): void {
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
}

function summary(diags: any[]): string[] {
  return diags.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code}`);
}

describe('language server over stdio', () => {
  let client: LspClient;
  let ruleSettings: Record<string, unknown> = {};

  before(async () => {
    client = new LspClient();
    client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ruleSettings));
    const result = await client.initialize();
    assert.equal(result.capabilities.hoverProvider, true);
    assert.equal(result.capabilities.textDocumentSync.change, 2, 'incremental sync');
  });

  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  it('publishes diagnostics with code, source, exact range and a documentation link on open', async () => {
    const uri = 'file:///project/api.yaml';
    const published = client.waitForDiagnostics(uri, 1);
    openDoc(client, uri, MANIFEST);
    const { diagnostics } = await published;
    assert.deepEqual(summary(diagnostics), ['17:24-17:28 privileged-container']);
    const d = diagnostics[0];
    assert.equal(d.source, 'kubeguard');
    assert.equal(d.severity, 1);
    assert.match(d.message, /Container "api" runs privileged/);
    assert.match(d.codeDescription.href, /^file:\/\/.*\/docs\/rules\/privileged-container\.md$/);
    assert.deepEqual(d.data, { ruleId: 'privileged-container' });
  });

  it('re-publishes after an incremental edit, with the new version', async () => {
    const uri = 'file:///project/api.yaml';
    const published = client.waitForDiagnostics(uri, 2);
    // Replace `true` with `false` on line 17.
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 17, character: 24 }, end: { line: 17, character: 28 } }, text: 'false' }],
    });
    assert.deepEqual(summary((await published).diagnostics), []);
    const broken = client.waitForDiagnostics(uri, 3);
    // Drop the image tag: a new finding appears.
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 15, character: 33 }, end: { line: 15, character: 39 } }, text: '' }],
    });
    assert.deepEqual(summary((await broken).diagnostics), ['15:17-15:33 image-tag-mutable']);
  });

  it('explains a finding on hover and answers null elsewhere', async () => {
    const uri = 'file:///project/api.yaml';
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 15, character: 20 } });
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(hover.contents.value, /image-tag-mutable/);
    assert.match(hover.contents.value, /\*\*Why it matters\.\*\*/);
    assert.match(hover.contents.value, /\*\*How to fix\.\*\*/);
    assert.match(hover.contents.value, /\[Rule documentation\]\(file:/);
    assert.deepEqual(hover.range, { start: { line: 15, character: 17 }, end: { line: 15, character: 33 } });
    const none = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.equal(none, null);
  });

  it('follows a configuration change without a restart', async () => {
    const uri = 'file:///project/pod.yaml';
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n';
    const first = client.waitForDiagnostics(uri, 1);
    openDoc(client, uri, text);
    const before = summary((await first).diagnostics);
    assert.ok(before.includes('6:12-6:15 run-as-non-root'), before.join('\n'));
    assert.ok(before.includes('6:12-6:15 memory-limits-missing'));

    ruleSettings = { profile: 'baseline', rules: { 'memory-limits-missing': 'off', 'image-pull-policy': 'error' } };
    const next = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && !summary(p.diagnostics).includes('6:12-6:15 memory-limits-missing'));
    client.notify('workspace/didChangeConfiguration', { settings: null });
    const after = (await next).diagnostics;
    const ids = new Set(after.map((d: any) => d.code));
    assert.ok(!ids.has('run-as-non-root'), 'restricted-only rule is off with the baseline profile');
    assert.ok(!ids.has('memory-limits-missing'), 'rule turned off');
    const pull = after.find((d: any) => d.code === 'image-pull-policy');
    assert.ok(pull, 'opt-in rule turned on');
    assert.equal(pull.severity, 1, 'at the configured severity');

    ruleSettings = {};
    const restored = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && summary(p.diagnostics).includes('6:12-6:15 run-as-non-root'));
    client.notify('workspace/didChangeConfiguration', { settings: null });
    await restored;
  });

  it('stays silent on YAML that is not Kubernetes', async () => {
    const files: Record<string, string> = {
      'file:///project/.github/workflows/ci.yml': 'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n',
      'file:///project/docker-compose.yml': 'services:\n  web:\n    image: nginx:latest\n    privileged: true\n    ports: ["80:80"]\n',
      'file:///project/chart/values.yaml': 'image:\n  repository: nginx\n  tag: latest\nsecurityContext:\n  privileged: true\n',
    };
    for (const [uri, text] of Object.entries(files)) {
      const published = client.waitForDiagnostics(uri, 1);
      openDoc(client, uri, text);
      assert.deepEqual((await published).diagnostics, [], uri);
    }
  });

  it('clears diagnostics when a document closes', async () => {
    const uri = 'file:///project/pod.yaml';
    const cleared = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.diagnostics.length === 0);
    client.notify('textDocument/didClose', { textDocument: { uri } });
    await cleared;
  });
  it('publishes schema problems once the schema has compiled, without waiting for an edit', async () => {
    const uri = 'file:///project/typo.yaml';
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsNonroot: true\n  containers:\n    - name: a\n      image: busybox:1.36\n';
    const withSchema = client.waitFor(
      'textDocument/publishDiagnostics',
      (p: any) => p.uri === uri && p.diagnostics.some((d: any) => d.code === 'schema-validation'),
      20000,
    );
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const { diagnostics, version } = await withSchema;
    assert.equal(version, 1, 'no edit was needed');
    const d = diagnostics.find((x: any) => x.code === 'schema-validation');
    assert.deepEqual(d.range, { start: { line: 6, character: 4 }, end: { line: 6, character: 16 } });
    assert.deepEqual(d.data, { ruleId: 'schema-validation', keyword: 'additionalProperties' });
    assert.match(d.message, /did you mean `runAsNonRoot`/);
  });
});

describe('language server with a client that pushes settings', () => {
  it('uses initializationOptions and didChangeConfiguration settings when it cannot pull', async () => {
    const client = new LspClient();
    const caps = { ...defaultCapabilities(), workspace: {} };
    await client.initialize(caps, { settings: { rules: { 'privileged-container': 'off' } } });
    const uri = 'file:///project/p.yaml';
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a:1\n      securityContext: {privileged: true}\n';
    const first = client.waitForDiagnostics(uri, 1);
    openDoc(client, uri, text);
    assert.ok(!(await first).diagnostics.some((d: any) => d.code === 'privileged-container'));
    const next = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.diagnostics.some((d: any) => d.code === 'privileged-container'));
    client.notify('workspace/didChangeConfiguration', { settings: { kubeguard: { rules: {} } } });
    await next;
    assert.equal(await client.shutdown(), 0);
  });

});
