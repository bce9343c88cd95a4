// The command-line interface, run as a user runs it: the bundled dist/cli.js in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

function cli(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd, input: opts.input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PRIVILEGED = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;

const CLEAN = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('kubeguard CLI', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeguard-cli-'));
    mkdirSync(join(dir, 'manifests', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'manifests', 'pod.yaml'), PRIVILEGED);
    writeFileSync(join(dir, 'manifests', 'nested', 'svc.yml'), CLEAN);
    writeFileSync(join(dir, 'manifests', 'nested', 'notes.txt'), PRIVILEGED);
    mkdirSync(join(dir, 'manifests', 'node_modules'));
    writeFileSync(join(dir, 'manifests', 'node_modules', 'x.yaml'), PRIVILEGED);
    writeFileSync(join(dir, 'clean.yaml'), CLEAN);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints compiler-style lines and a summary', () => {
    const r = cli(['lint', 'manifests/pod.yaml', '--rule', 'run-as-non-root=off'], { cwd: dir });
    const lines = r.stdout.trim().split('\n');
    assert.ok(
      lines.includes(
        'manifests/pod.yaml:10:21: error [privileged-container] Container "app" runs privileged: it has full access to the node\'s devices and kernel, so a compromise of this container is a compromise of the node. Remove `privileged: true` or set it to false.',
      ),
      r.stdout,
    );
    for (const line of lines.slice(0, -2)) assert.match(line, /^manifests\/pod\.yaml:\d+:\d+: (error|warning|info) \[[a-z0-9-]+\] \S/);
    assert.match(lines.at(-1)!, /^\d+ problems \(1 errors, \d+ warnings, \d+ info\) in 1 file\.$/);
    assert.equal(r.code, 1);
  });

  it('writes JSON with 1-based positions', () => {
    const r = cli(['lint', '--format', 'json', join(dir, 'manifests', 'pod.yaml')]);
    const out = JSON.parse(r.stdout) as any[];
    const priv = out.find((f) => f.ruleId === 'privileged-container');
    assert.deepEqual(Object.keys(priv).sort(), ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'ruleId', 'severity']);
    assert.equal(priv.line, 10);
    assert.equal(priv.column, 21);
    assert.equal(priv.endLine, 10);
    assert.equal(priv.endColumn, 25);
    assert.equal(priv.severity, 'error');
    assert.equal(r.code, 1);
  });

  it('recurses into directories for .yaml and .yml, skipping node_modules and other files', () => {
    const r = cli(['lint', '--format', 'json', 'manifests'], { cwd: dir });
    const files = [...new Set((JSON.parse(r.stdout) as any[]).map((f) => f.file))].sort();
    assert.deepEqual(files, ['manifests/pod.yaml']);
    const text = cli(['lint', 'manifests'], { cwd: dir });
    assert.match(text.stdout, /in 2 files\.\n$/);
  });

  it('exits 0 on a clean file and honours --fail-on', () => {
    const clean = cli(['lint', 'clean.yaml'], { cwd: dir });
    assert.equal(clean.code, 0);
    assert.equal(clean.stdout, 'No problems found in 1 file.\n');
    const pod = ['lint', 'manifests/pod.yaml', '--rule', 'privileged-container=off'];
    assert.equal(cli([...pod, '--fail-on', 'error'], { cwd: dir }).code, 0, 'only warnings left');
    assert.equal(cli([...pod, '--fail-on', 'warning'], { cwd: dir }).code, 1);
    assert.equal(cli([...pod, '--fail-on=info'], { cwd: dir }).code, 1);
    assert.equal(cli(['lint', 'manifests/pod.yaml', '--fail-on', 'none'], { cwd: dir }).code, 0);
  });

  it('applies --profile baseline', () => {
    const ids = (args: string[]) => new Set((JSON.parse(cli(['lint', '--format=json', ...args], { cwd: dir }).stdout) as any[]).map((f) => f.ruleId));
    assert.ok(ids(['manifests/pod.yaml']).has('run-as-non-root'));
    assert.ok(!ids(['manifests/pod.yaml', '--profile', 'baseline']).has('run-as-non-root'));
    assert.ok(ids(['manifests/pod.yaml', '--profile', 'baseline']).has('privileged-container'));
  });

  it('reads standard input for -', () => {
    const r = cli(['lint', '--format', 'json', '-'], { input: PRIVILEGED });
    const out = JSON.parse(r.stdout) as any[];
    assert.ok(out.some((f) => f.file === '<stdin>' && f.ruleId === 'privileged-container'));
  });

  it('fix --dry-run prints a unified diff and writes nothing; fix writes the safe fixes', () => {
    const file = join(dir, 'fixme.yaml');
    // Runs as UID 1000 already, so `runAsNonRoot: true` is a safe fix; the rest changes behaviour.
    const text = '# keep me\n' + PRIVILEGED.replace('privileged: true\n', 'privileged: true\n        runAsUser: 1000\n');
    writeFileSync(file, text);
    const dry = cli(['fix', '--dry-run', 'fixme.yaml'], { cwd: dir });
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /^-{3} a\/fixme\.yaml/m);
    assert.match(dry.stdout, /^\+{3} b\/fixme\.yaml/m);
    assert.match(dry.stdout, /^\+ +runAsNonRoot: true$/m);
    assert.match(dry.stderr, /Would apply \d+ safe fix(es)? in 1 file\./);
    assert.equal(readFileSync(file, 'utf8'), text, 'dry run writes nothing');

    const real = cli(['fix', 'fixme.yaml'], { cwd: dir });
    assert.equal(real.code, 0);
    assert.match(real.stdout, /^fixme\.yaml: \d+ fix(es)? applied$/m);
    const fixed = readFileSync(file, 'utf8');
    assert.ok(fixed.startsWith('# keep me\napiVersion: v1\n'), 'comments and order kept');
    assert.match(fixed, /privileged: true/, 'behaviour-changing fixes are not applied');
    const lint = JSON.parse(cli(['lint', '--format', 'json', 'fixme.yaml'], { cwd: dir }).stdout) as any[];
    assert.ok(!lint.some((f) => f.ruleId === 'run-as-non-root'));
    assert.ok(lint.some((f) => f.ruleId === 'allow-privilege-escalation'), 'no_new_privs changes behaviour: not a safe fix');
    assert.equal(cli(['fix', 'fixme.yaml'], { cwd: dir }).stderr, 'No safe fixes to apply.\n');
    assert.equal(cli(['fix', '-'], { cwd: dir }).code, 2);
    assert.equal(cli(['lint', '--dry-run', 'fixme.yaml'], { cwd: dir }).code, 2);
  });

  it('reads UTF-16 files with a byte order mark (as Windows PowerShell writes them)', () => {
    const le = join(dir, 'utf16le.yaml');
    writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PRIVILEGED, 'utf16le')]));
    const be = join(dir, 'utf16be.yaml');
    const swapped = Buffer.from(PRIVILEGED, 'utf16le');
    swapped.swap16();
    writeFileSync(be, Buffer.concat([Buffer.from([0xfe, 0xff]), swapped]));
    for (const file of [le, be]) {
      const out = JSON.parse(cli(['lint', '--format', 'json', file]).stdout) as any[];
      assert.ok(out.some((f) => f.ruleId === 'privileged-container' && f.line === 10), file);
      assert.ok(!out.some((f) => f.ruleId === 'yaml-syntax'), file);
    }
  });

  it('exits 2 on usage errors', () => {
    for (const args of [[], ['check', 'x'], ['lint'], ['lint', 'x', '--format', 'xml'], ['lint', 'x', '--fail-on', 'fatal'], ['lint', 'x', '--rule', 'nope=off'], ['lint', 'x', '--rule', 'privileged-container=loud'], ['lint', 'x', '--bogus']]) {
      const r = cli(args, { cwd: dir });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /^kubeguard: /);
      assert.match(r.stderr, /Usage: kubeguard lint/);
    }
    assert.equal(cli(['--help']).code, 0);
  });

  it('exits 2 on unreadable paths, and still reports the readable ones', () => {
    const r = cli(['lint', '--format', 'json', 'missing.yaml', 'manifests/pod.yaml'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read missing\.yaml: ENOENT/);
    assert.ok((JSON.parse(r.stdout) as any[]).length > 0);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.yaml');
      writeFileSync(locked, CLEAN);
      chmodSync(locked, 0o000);
      assert.equal(cli(['lint', locked]).code, 2);
    }
  });
});
