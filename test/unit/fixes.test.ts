// Suppressions, fix-all, and the fix round trip over the peer corpus.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PEER_CORPUS, yamlFiles } from '../support/corpus.ts';
import { parseAllDocuments } from 'yaml';
import { analyze } from '../../server/src/engine/analyze.ts';
import { fixAll, ignoreLineEdits, ignoreObjectEdits } from '../../server/src/engine/fixes.ts';
import { applyEdits } from '../../server/src/yaml/edit.ts';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostPID: true
  containers:
    - name: app
      image: nginx:1.27
`;

const ids = (text: string) => analyze(text).map((f) => f.ruleId);

describe('suppressions', () => {
  it('kubeguard-disable-next-line silences the listed rules on the next line only', () => {
    const text = POD.replace('  hostPID: true', '  # kubeguard-disable-next-line host-pid-ipc -- node monitoring agent\n  hostPID: true');
    assert.ok(!ids(text).includes('host-pid-ipc'));
    const other = POD.replace('  hostPID: true', '  # kubeguard-disable-next-line privileged-container\n  hostPID: true');
    assert.ok(ids(other).includes('host-pid-ipc'), 'another rule id does not silence it');
    const early = POD.replace('spec:', '# kubeguard-disable-next-line host-pid-ipc\nspec:');
    assert.ok(ids(early).includes('host-pid-ipc'), 'only the very next line');
  });

  it('kubeguard-disable-file silences a rule (or every rule) in the whole file', () => {
    const two = `${POD}---\n${POD.replace('name: web', 'name: db')}`;
    assert.equal(ids(two).filter((i) => i === 'host-pid-ipc').length, 2);
    assert.equal(ids(`# kubeguard-disable-file host-pid-ipc\n${two}`).filter((i) => i === 'host-pid-ipc').length, 0);
    assert.ok(ids(`# kubeguard-disable-file host-pid-ipc\n${two}`).includes('run-as-non-root'));
    assert.deepEqual(ids(`# kubeguard-disable-file\n${two}`), []);
  });

  it('the kubeguard.io/ignore annotation silences rules for that object only', () => {
    const annotated = POD.replace('  name: web\n', '  name: web\n  annotations:\n    kubeguard.io/ignore: host-pid-ipc, run-as-non-root\n');
    const found = ids(`${annotated}---\n${POD.replace('name: web', 'name: db')}`);
    assert.equal(found.filter((i) => i === 'host-pid-ipc').length, 1, 'the other object keeps its finding');
    assert.equal(found.filter((i) => i === 'run-as-non-root').length, 1);
    assert.deepEqual(ids(POD.replace('  name: web\n', '  name: web\n  annotations: {kubeguard.io/ignore: all}\n')), []);
  });

  it('the suppression edits produce suppressions the engine honours', () => {
    const count = (text: string, id: string) => ids(text).filter((i) => i === id).length;
    for (const f of analyze(POD)) {
      // The comment silences this finding; the annotation silences the rule for the (only) object.
      assert.equal(count(applyEdits(POD, ignoreLineEdits(f)), f.ruleId), count(POD, f.ruleId) - 1, `line: ${f.ruleId}`);
      assert.equal(count(applyEdits(POD, ignoreObjectEdits(f)), f.ruleId), 0, `object: ${f.ruleId}`);
    }
    // A second rule joins the existing annotation rather than replacing it.
    const once = applyEdits(POD, ignoreObjectEdits(analyze(POD).find((f) => f.ruleId === 'host-pid-ipc')!));
    const twice = applyEdits(once, ignoreObjectEdits(analyze(once).find((f) => f.ruleId === 'run-as-non-root')!));
    assert.match(twice, /kubeguard\.io\/ignore: "?host-pid-ipc,run-as-non-root"?\n/);
    assert.ok(!ids(twice).includes('host-pid-ipc') && !ids(twice).includes('run-as-non-root'));
  });
});

describe('fix-all', () => {
  it('applies safe fixes only, in passes, and converges', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: a
          image: nginx:1.27
          securityContext:
            privileged: true
            runAsUser: 1000
        - name: b
          image: nginx:1.27
          securityContext:
            runAsUser: 1000
            capabilities:
              drop: [all]
`;
    const result = fixAll(text);
    const after = ids(result.text);
    assert.ok(!after.includes('run-as-non-root'), 'safe: runAsNonRoot true where both already run as UID 1000');
    assert.match(result.text, /drop: \[ALL\]/, 'safe: `all` written `ALL`');
    assert.ok(after.includes('privileged-container'), 'behaviour-changing fixes are not applied');
    // no_new_privs and RuntimeDefault seccomp change what the processes may do; and
    // allowPrivilegeEscalation false next to privileged: true is refused by the API server.
    assert.ok(after.includes('allow-privilege-escalation'));
    assert.ok(after.includes('seccomp-profile-required'));
    assert.ok(after.includes('read-only-root-fs'));
    assert.ok(result.passes >= 1 && result.passes <= 10);
    // Running it again changes nothing.
    assert.equal(fixAll(result.text).text, result.text);
  });

  it('keeps comments, quoting and other documents byte for byte', () => {
    const text = `# header comment\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: "c"}\ndata: {k: 'v'}\n---\n${POD}`;
    const out = fixAll(text).text;
    assert.ok(out.startsWith(`# header comment\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: "c"}\ndata: {k: 'v'}\n---\n`));
  });
});

const CORPUS = PEER_CORPUS;


/** Paths whose values differ between two plain values (added, removed or changed leaves). */
function diffPaths(a: unknown, b: unknown, path: string[] = [], out: string[][] = []): string[][] {
  if (a === b) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diffPaths((a as any)[k], (b as any)[k], [...path, k], out);
    return out;
  }
  out.push(path);
  return out;
}

/** What the safe fixes may write: these fields, and nothing else. */
const SAFE_FIELDS = new Set(['apiVersion', 'serviceAccount', 'serviceAccountName', 'allowPrivilegeEscalation', 'seccompProfile', 'type', 'runAsNonRoot', 'imagePullPolicy', 'securityContext', 'drop', 'add']);

describe('fix-all round trip over the peer corpus', { skip: existsSync(CORPUS) ? false : 'no ../shared/corpus/peers; skipped' }, () => {
  it('parses, reports no more, and changes only what a safe fix writes', () => {
    let files = 0;
    let changed = 0;
    for (const file of yamlFiles(CORPUS)) {
      const text = readFileSync(file, 'utf8');
      const before = analyze(text);
      if (before.some((f) => f.ruleId === 'yaml-syntax')) continue;
      files++;
      const out = fixAll(text).text;
      if (out === text) continue;
      changed++;
      const after = analyze(out);
      assert.ok(!after.some((f) => f.ruleId === 'yaml-syntax'), `${file}: fix-all broke the YAML`);
      assert.ok(after.length <= before.length, `${file}: ${before.length} findings before, ${after.length} after`);
      const a = parseAllDocuments(text, { version: '1.1', merge: true } as never) as unknown as { toJS(): unknown }[];
      const b = parseAllDocuments(out, { version: '1.1', merge: true } as never) as unknown as { toJS(): unknown }[];
      assert.equal(b.length, a.length, `${file}: the number of documents changed`);
      a.forEach((doc, i) => {
        for (const p of diffPaths(doc.toJS(), b[i]!.toJS())) {
          const last = p.filter((s) => !/^\d+$/.test(s)).at(-1) ?? '';
          assert.ok(SAFE_FIELDS.has(last), `${file}: document ${i + 1} changed at ${p.join('.')}`);
        }
      });
    }
    // Few files: most hardening (no_new_privs, seccomp, capabilities) changes behaviour and is not a safe fix.
    assert.ok(files > 500 && changed > 20, `${changed} of ${files} files changed`);
  });
});
