// The incremental paths must give exactly what a fresh analysis gives, whatever the edit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, Analyzer } from '../../server/src/engine/analyze.ts';
import { composeWindows, type ChangeWindow } from '../../server/src/engine/edits.ts';
import { generateCorpus } from '../bench/corpus.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Edits that stress chunk boundaries: document markers, newlines, and text that breaks them.
const PIECES = ['x', '\n', '---\n', '---', '-', ' ', ':', '\n---\n', 'privileged: true\n', '  ', '#', '...\n', '{', '"', '\t', ''];

interface Edit {
  start: number;
  end: number;
  insert: string;
}

function randomEdit(text: string, r: () => number): Edit {
  // Half of the edits land right around a `---` line.
  let at = Math.floor(r() * (text.length + 1));
  if (r() < 0.5) {
    const markers: number[] = [];
    for (let i = text.indexOf('---'); i >= 0 && markers.length < 200; i = text.indexOf('---', i + 1)) markers.push(i);
    if (markers.length > 0) at = Math.min(text.length, Math.max(0, markers[Math.floor(r() * markers.length)]! + Math.floor(r() * 9) - 4));
  }
  const del = r() < 0.4 ? Math.floor(r() * 6) : 0;
  return { start: at, end: Math.min(text.length, at + del), insert: PIECES[Math.floor(r() * PIECES.length)]! };
}

function apply(text: string, e: Edit): string {
  return text.slice(0, e.start) + e.insert + text.slice(e.end);
}

function windowOf(e: Edit): ChangeWindow {
  return { start: e.start, oldEnd: e.end, newEnd: e.start + e.insert.length };
}

/** Services that select workloads by label and name their target ports, some wrongly. */
function linkedCorpus(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const app = `web-${i % 4}`;
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}-${i}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata:
      labels: {app: ${app}, tier: front}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: c
          image: nginx:1.27
          ports: [{name: ${i % 3 === 0 ? 'http' : 'web'}, containerPort: 8080}]
`);
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${app}-svc-${i}
spec:
  selector: {app: ${app}}
  ports: [{port: 80, targetPort: ${i % 2 === 0 ? 'http' : 'metrics'}}]
`);
  }
  return docs.join('---\n');
}

const keys = (fs: ReturnType<typeof analyze>) =>
  fs.map((f) => `${f.startOffset}-${f.endOffset} ${f.start.line}:${f.start.character}-${f.end.line}:${f.end.character} ${f.severity} ${f.ruleId} ${f.message}`);

describe('incremental analysis', () => {
  it('matches a fresh analysis after each of 400 random single edits', () => {
    const r = rng(7);
    let text = generateCorpus(12);
    const analyzer = new Analyzer();
    analyzer.run(text);
    for (let i = 0; i < 400; i++) {
      const e = randomEdit(text, r);
      text = apply(text, e);
      assert.deepEqual(keys(analyzer.run(text, undefined, windowOf(e))), keys(analyze(text)), `after edit ${i}: ${JSON.stringify(e)}`);
    }
  });

  it('keeps cross-object findings right while objects that select each other are edited', () => {
    const r = rng(5);
    let text = linkedCorpus(10);
    const analyzer = new Analyzer();
    const first = analyzer.run(text);
    assert.ok(first.some((f) => f.ruleId === 'port-reference-errors'), 'the corpus has Service findings to keep right');
    const edits = ['app: web-1', 'app: web-2', 'name: http', 'name: metrics', 'targetPort: web', ''];
    for (let i = 0; i < 300; i++) {
      let e: Edit;
      if (r() < 0.5) {
        // Retarget a selector, a label or a port name somewhere.
        const targets = [...text.matchAll(/app: web-\d|name: (?:http|web)|targetPort: \w+/g)];
        const m = targets[Math.floor(r() * targets.length)]!;
        e = { start: m.index!, end: m.index! + m[0].length, insert: edits[Math.floor(r() * edits.length)]! };
      } else {
        e = randomEdit(text, r);
      }
      text = apply(text, e);
      assert.deepEqual(keys(analyzer.run(text, undefined, windowOf(e))), keys(analyze(text)), `after edit ${i}: ${JSON.stringify(e)}`);
    }
  });

  it('matches a fresh analysis when whole documents are pasted again (duplicates)', () => {
    const r = rng(17);
    let text = linkedCorpus(6);
    const analyzer = new Analyzer();
    analyzer.run(text);
    for (let i = 0; i < 60; i++) {
      const starts = [0, ...[...text.matchAll(/^---$/gm)].map((m) => m.index! + 4)];
      const pick = Math.floor(r() * starts.length);
      const start = starts[pick]!;
      const next = text.indexOf('\n---\n', start);
      const end = next < 0 ? text.length : next + 1;
      const doc = text.slice(start, end);
      const e: Edit = { start: end, end, insert: (doc.endsWith('\n') ? '' : '\n') + '---\n' + doc };
      text = apply(text, e);
      assert.deepEqual(keys(analyzer.run(text, undefined, windowOf(e))), keys(analyze(text)), `after paste ${i}`);
    }
  });

  it('matches a fresh analysis when several edits are composed into one window', () => {
    const r = rng(11);
    let text = generateCorpus(8);
    const analyzer = new Analyzer();
    analyzer.run(text);
    for (let round = 0; round < 60; round++) {
      let window: ChangeWindow | undefined;
      const n = 1 + Math.floor(r() * 4);
      for (let k = 0; k < n; k++) {
        const e = randomEdit(text, r);
        text = apply(text, e);
        window = window ? composeWindows(window, windowOf(e)) : windowOf(e);
      }
      assert.deepEqual(keys(analyzer.run(text, undefined, window)), keys(analyze(text)), `round ${round}`);
    }
  });

  it('matches a fresh analysis without windows (text comparison path)', () => {
    const r = rng(3);
    let text = generateCorpus(10);
    const analyzer = new Analyzer();
    analyzer.run(text);
    for (let i = 0; i < 150; i++) {
      text = apply(text, randomEdit(text, r));
      assert.deepEqual(keys(analyzer.run(text)), keys(analyze(text)), `after edit ${i}`);
    }
  });

  it('composes windows so the composed window covers both edits', () => {
    // "abcdef": replace "cd" with "XYZ" -> "abXYZef"; then delete "Ze" -> "abXYf".
    const first = { start: 2, oldEnd: 4, newEnd: 5 };
    const second = { start: 4, oldEnd: 6, newEnd: 4 };
    assert.deepEqual(composeWindows(first, second), { start: 2, oldEnd: 5, newEnd: 4 });
    // An edit before the first one: positions before both are shared.
    assert.deepEqual(composeWindows({ start: 10, oldEnd: 10, newEnd: 11 }, { start: 0, oldEnd: 1, newEnd: 1 }), { start: 0, oldEnd: 10, newEnd: 11 });
  });

  it('falls back safely when the window does not fit the text', () => {
    const text = generateCorpus(3);
    const analyzer = new Analyzer();
    analyzer.run(text);
    const edited = text.replace('replicas: ', 'replicas: 1');
    assert.deepEqual(keys(analyzer.run(edited, undefined, { start: 0, oldEnd: 0, newEnd: 5 })), keys(analyze(edited)));
  });
});
