// Workspace benchmark: the bundled server over stdio with a generated workspace folder.
//
//   index          initialize → the server's "indexed N YAML files" log line (background work)
//   index RSS      resident memory of the server once the workspace is indexed
//   dependent edit typing one character into the pod selector of an open NetworkPolicy → the
//                  re-published diagnostics of the open Deployment in another file that the
//                  policy stops (or starts) selecting
//
// Options: --files N (default 2000) --objects-per-file N (default 5) --edits N (default 30)
//          --scope directory|workspace (default directory: the 100 objects of one service
//          directory see each other; workspace: all of them do) --json FILE
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, defaultCapabilities } from '../support/lsp-client.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const fileCount = Number(arg('files', '2000'));
const perFile = Number(arg('objects-per-file', '5'));
const edits = Number(arg('edits', '30'));
const scope = arg('scope', 'directory');
const FILES_PER_SERVICE = 20;

function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function deployment(name: string, ns: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {app: ${name}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}, tier: backend}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: app
          image: ghcr.io/acme/${name}:1.0.0
          ports: [{containerPort: 8080, name: http}]
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
`;
}

function service(name: string, ns: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector: {app: ${name}}
  ports: [{port: 80, targetPort: http}]
`;
}

function policy(name: string, ns: string, app: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  podSelector:
    matchLabels: {app: ${app}}
  ingress:
    - ports: [{port: 8080}]
`;
}

/** `fileCount` files in service directories of FILES_PER_SERVICE files each. */
function generate(root: string): { deploymentFile: string; policyFile: string; policyText: string } {
  let n = 0;
  for (let f = 0; f < fileCount; f++) {
    const svc = Math.floor(f / FILES_PER_SERVICE);
    const dir = join(root, `service-${svc}`);
    if (f % FILES_PER_SERVICE === 0) mkdirSync(dir, { recursive: true });
    const ns = `team-${svc % 10}`;
    const docs: string[] = [];
    for (let o = 0; o < perFile; o++, n++) {
      const name = `app-${n}`;
      docs.push(o % 3 === 2 ? service(`app-${n - 1}`, ns) : o % 3 === 1 ? policy(`allow-${n - 1}`, ns, `app-${n - 1}`) : deployment(name, ns));
    }
    writeFileSync(join(dir, `file-${f}.yaml`), docs.join('---\n'));
  }
  // The pair the edits are measured on, in service-0.
  const dir = join(root, 'service-0');
  writeFileSync(join(dir, 'bench-deployment.yaml'), deployment('bench-api', 'team-0'));
  const policyText = policy('bench-api', 'team-0', 'bench-api');
  writeFileSync(join(dir, 'bench-policy.yaml'), policyText);
  return { deploymentFile: join(dir, 'bench-deployment.yaml'), policyFile: join(dir, 'bench-policy.yaml'), policyText };
}

function p(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'kubeguard-wsbench-'));
  try {
    const { deploymentFile, policyFile, policyText } = generate(root);
    const client = new LspClient();
    client.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((i) => (i.section === 'kubeguard' ? { workspaceScope: scope } : {})),
    );
    client.onRequest('client/registerCapability', () => null);
    const caps = defaultCapabilities() as { workspace: Record<string, unknown> };
    caps.workspace.didChangeWatchedFiles = { dynamicRegistration: true };
    const indexed = client.waitFor<{ message: string }>('window/logMessage', (m) => /indexed \d+ YAML files/.test(m.message), 600000);
    const t0 = performance.now();
    await client.initialize(caps, undefined, [{ uri: pathToFileURL(root).href, name: 'bench' }]);
    const log = await indexed;
    const indexMs = performance.now() - t0;
    const indexRss = rssMiB(client.proc.pid!, 'VmRSS');

    const depUri = pathToFileURL(deploymentFile).href;
    const polUri = pathToFileURL(policyFile).href;
    const RULE = 'pod-not-covered-by-networkpolicy';
    const openDoc = async (uri: string, text: string) => {
      const done = client.waitForDiagnostics(uri, 1, 120000);
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      return done;
    };
    await openDoc(depUri, readFileSync(deploymentFile, 'utf8'));
    await openDoc(polUri, policyText);
    // Let the schema compilation and the re-checks it triggers settle.
    await new Promise((r) => setTimeout(r, 1500));

    const lines = policyText.split('\n');
    const line = lines.findIndex((l) => l.includes('matchLabels: {app: bench-api}'));
    const character = lines[line]!.indexOf('bench-api}') + 'bench-api'.length;
    const times: number[] = [];
    for (let k = 0; k < edits; k++) {
      const version = k + 2;
      // Odd edits append a character (the policy stops selecting the pods), even ones remove it.
      const adding = k % 2 === 0;
      const change = adding
        ? { range: { start: { line, character }, end: { line, character } }, text: 'x' }
        : { range: { start: { line, character }, end: { line, character: character + 1 } }, text: '' };
      const done = client.waitFor(
        'textDocument/publishDiagnostics',
        (p: any) => p.uri === depUri && p.diagnostics.some((d: any) => d.code === RULE) === adding,
        60000,
      );
      const t = performance.now();
      client.notify('textDocument/didChange', { textDocument: { uri: polUri, version }, contentChanges: [change] });
      await done;
      times.push(performance.now() - t);
    }
    const peak = rssMiB(client.proc.pid!, 'VmHWM');
    await client.shutdown();
    const sorted = [...times].sort((a, b) => a - b);
    const result = {
      files: fileCount + 2,
      objects: Number(/\((\d+) objects\)/.exec(log.message)?.[1] ?? NaN),
      indexMs: Math.round(indexMs),
      indexRssMiB: Math.round(indexRss),
      peakRssMiB: Math.round(peak),
      dependentEditP50Ms: Number(p(sorted, 0.5).toFixed(1)),
      dependentEditP90Ms: Number(p(sorted, 0.9).toFixed(1)),
    };
    console.log(`KubeGuard workspace benchmark: ${result.files} files, ${result.objects} objects, scope ${scope}, node ${process.version}`);
    console.log(`index ${result.indexMs} ms, RSS after index ${result.indexRssMiB} MiB, peak ${result.peakRssMiB} MiB`);
    console.log(`edit a NetworkPolicy selector → dependent Deployment's diagnostics: p50 ${result.dependentEditP50Ms} ms, p90 ${result.dependentEditP90Ms} ms (${edits} edits)`);
    const json = arg('json', '');
    if (json) {
      mkdirSync(dirname(json), { recursive: true });
      writeFileSync(json, JSON.stringify(result, null, 2) + '\n');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
