// npm run bench — drives the bundled server over stdio, as an editor does, and measures:
//   cold start   spawn + initialize + didOpen until the first diagnostics
//   full lint    didOpen of the whole text in a warm server until its diagnostics
//   edit         one character typed in the middle document until re-published diagnostics
//   peak RSS     of the server process (VmHWM) after all of the above
// Options: --sizes 1,50,1000,5000  --runs N  --edits N  --json FILE  --rules id=off,...
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LspClient } from '../support/lsp-client.ts';
import { generateCorpus } from './corpus.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const sizes = arg('sizes', '1,50,1000,5000').split(',').map(Number);
// --rules id=severity,id=severity: run with these rule settings (to measure what one rule costs).
const ruleSettings = Object.fromEntries(
  arg('rules', '')
    .split(',')
    .filter((x) => x.includes('='))
    .map((x) => x.split('=') as [string, string]),
);
function newClient(): LspClient {
  const c = new LspClient();
  c.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ rules: ruleSettings })));
  return c;
}
const runs = Number(arg('runs', '5'));
const edits = Number(arg('edits', '30'));
const jsonOut = arg('json', '.bench/results.json');

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function open(client: LspClient, uri: string, text: string): Promise<{ ms: number; count: number }> {
  const t0 = performance.now();
  const done = client.waitForDiagnostics(uri, 1, 120000);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  const p = await done;
  return { ms: performance.now() - t0, count: p.diagnostics.length };
}

interface Result {
  documents: number;
  lines: number;
  megabytes: number;
  diagnostics: number;
  coldStartMs: number;
  fullLintMs: number;
  editMs: number;
  editMsP90: number;
  peakRssMiB: number;
}

async function measure(count: number): Promise<Result> {
  const text = generateCorpus(count);
  const lines = text.split('\n').length;

  // Cold start: a new server process every run.
  const cold: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const client = newClient();
    await client.initialize();
    const uri = 'file:///bench/cold.yaml';
    const done = client.waitForDiagnostics(uri, 1, 120000);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await done;
    cold.push(performance.now() - t0);
    await client.shutdown();
  }

  const client = newClient();
  await client.initialize();
  const full: number[] = [];
  let diagnostics = 0;
  for (let i = 0; i < runs; i++) {
    const uri = `file:///bench/full-${i}.yaml`;
    const r = await open(client, uri, text);
    full.push(r.ms);
    diagnostics = r.count;
    client.notify('textDocument/didClose', { textDocument: { uri } });
  }

  // Edits: type into a label value of the middle document, one character at a time.
  const uri = 'file:///bench/edit.yaml';
  await open(client, uri, text);
  const docLines = text.split('\n');
  const middle = Math.floor(count / 2);
  let seen = -1;
  let target = 0;
  for (let l = 0; l < docLines.length; l++) {
    if (docLines[l] === '---') seen++;
    if (seen === middle - 1 && docLines[l]!.startsWith('  name: ')) {
      target = l;
      break;
    }
  }
  const col = docLines[target]!.length;
  const editTimes: number[] = [];
  for (let k = 0; k < edits; k++) {
    const version = k + 2;
    const change =
      k % 2 === 0
        ? { range: { start: { line: target, character: col }, end: { line: target, character: col } }, text: 'x' }
        : { range: { start: { line: target, character: col }, end: { line: target, character: col + 1 } }, text: '' };
    const t0 = performance.now();
    const done = client.waitForDiagnostics(uri, version, 60000);
    client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    await done;
    editTimes.push(performance.now() - t0);
  }
  const rss = peakRssMiB(client.proc.pid!);
  await client.shutdown();
  const sorted = [...editTimes].sort((a, b) => a - b);
  return {
    documents: count,
    lines,
    megabytes: Buffer.byteLength(text) / (1024 * 1024),
    diagnostics,
    coldStartMs: p50(cold),
    fullLintMs: p50(full),
    editMs: p50(editTimes),
    editMsP90: sorted[Math.floor(sorted.length * 0.9)]!,
    peakRssMiB: rss,
  };
}

async function main(): Promise<void> {
  const results: Result[] = [];
  console.log(`KubeGuard benchmark: bundled server over stdio, p50 of ${runs} runs (${edits} edits), node ${process.version}`);
  console.log('documents   lines     MB  diags  cold start  full lint  edit p50  edit p90  peak RSS');
  for (const n of sizes) {
    const r = await measure(n);
    results.push(r);
    console.log(
      `${String(r.documents).padStart(9)} ${String(r.lines).padStart(7)} ${r.megabytes.toFixed(2).padStart(6)} ${String(r.diagnostics).padStart(6)}` +
        `  ${r.coldStartMs.toFixed(0).padStart(7)} ms ${r.fullLintMs.toFixed(0).padStart(7)} ms ${r.editMs.toFixed(1).padStart(6)} ms ${r.editMsP90.toFixed(1).padStart(6)} ms ${r.peakRssMiB.toFixed(0).padStart(5)} MiB`,
    );
  }
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(jsonOut, JSON.stringify({ node: process.version, runs, edits, results }, null, 2) + '\n');
}

void main();
