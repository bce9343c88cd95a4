// The packaged extension: what the .vsix holds (a deny-by-default allow-list), its size, that it
// carries production bundles only, and that those bundles need nothing outside the vsix. On
// success the vsix's extension/ folder is unpacked to test/e2e/.out/extension for the other suites.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { Checks } from './lib/checks.ts';
import { ensureDir, packageJson, repoRoot, unpackedExtension, vsixPath } from './lib/env.ts';
import { extractZip, listZip, readEntry, type ZipEntry } from './lib/zip.ts';

const MAX_BYTES = 5 * 1024 * 1024;
const BUNDLES = ['dist/extension.js', 'dist/server.js', 'dist/cli.js'];

/** Everything a vsix may contain; anything else is a packaging mistake. */
const ALLOWED: RegExp[] = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/changelog\.md$/,
  /^extension\/LICENSE(\.txt)?$/,
  /^extension\/images\/icon\.png$/,
  /^extension\/dist\/(extension|server|cli)\.js$/,
  /^extension\/docs\/rules\.md$/,
  /^extension\/docs\/rules\/[a-z0-9-]+\.md$/,
  /^extension\/snippets\/[^/]+\.(json|code-snippets)$/,
  /^extension\/schemas\/index\.json$/,
  /^extension\/schemas\/(kubernetes|istio|keda|gateway-api)\/[A-Za-z0-9_.-]+\.json$/,
];

const checks = new Checks('vsix: package contents');
const vsix = vsixPath();
const version = packageJson().version;

function main(): void {
  if (!checks.check(`${vsix.replace(repoRoot + '/', '')} exists`, existsSync(vsix), existsSync(vsix) ? undefined : 'run `npm run package` first')) return;
  const size = statSync(vsix).size;
  checks.check('size under 5 MB', size < MAX_BYTES, `${(size / 1024).toFixed(0)} KB`);

  const buf = readFileSync(vsix);
  let entries: ZipEntry[];
  try {
    entries = listZip(buf);
  } catch (err) {
    checks.fail('vsix is a zip', String(err));
    return;
  }
  const names = entries.map((e) => e.name).filter((n) => !n.endsWith('/'));
  checks.pass('vsix is a zip', `${names.length} files`);

  const stray = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
  checks.check('every file is on the allow-list', stray.length === 0, stray.length ? `not allowed: ${stray.join(', ')}` : undefined);

  const leaks = names.filter((n) => /\.(ts|map|tsbuildinfo)$|node_modules\/|\/(test|server|client|examples|scripts)\//.test(n));
  checks.check('no sources, source maps, tests, examples or node_modules', leaks.length === 0, leaks.join(', ') || undefined);

  const required = [
    'extension/package.json',
    'extension/readme.md',
    'extension/changelog.md',
    'extension/images/icon.png',
    'extension/docs/rules.md',
    ...BUNDLES.map((b) => `extension/${b}`),
  ];
  const absent = required.filter((r) => !names.includes(r));
  if (!names.some((n) => /^extension\/LICENSE(\.txt)?$/.test(n))) absent.push('extension/LICENSE');
  checks.check('bundles, README, CHANGELOG, LICENSE, icon and docs/rules.md are present', absent.length === 0, absent.length ? `missing: ${absent.join(', ')}` : undefined);

  // Diagnostics link to docs/rules/<id>.md beside dist/, so every page must ship.
  const pages = readdirSync(join(repoRoot, 'docs', 'rules')).filter((n) => n.endsWith('.md'));
  const missingPages = pages.filter((p) => !names.includes(`extension/docs/rules/${p}`));
  checks.check(`all ${pages.length} rule pages ship (diagnostics link to them)`, pages.length > 0 && missingPages.length === 0, missingPages.join(', ') || undefined);

  const entry = (n: string) => readEntry(buf, entries.find((e) => e.name === n)!);
  const manifest = JSON.parse(entry('extension/package.json').toString('utf8')) as { main?: string; version?: string; icon?: string };
  const main = (manifest.main ?? '').replace(/^\.\//, '');
  checks.check('package.json main and icon point at shipped files', names.includes(`extension/${main}`) && names.includes(`extension/${manifest.icon}`), `main ${manifest.main}, icon ${manifest.icon}`);
  checks.check('package.json version matches the file name', manifest.version === version, `${manifest.version}`);

  for (const b of BUNDLES) {
    const name = `extension/${b}`;
    if (!names.includes(name)) continue;
    const code = entry(name).toString('utf8');
    const problems: string[] = [];
    if (/sourceMappingURL/.test(code)) problems.push('has a sourceMappingURL (not the --production build)');
    // Packaged with --no-dependencies: a bundle may load only Node built-ins and `vscode`.
    const external = new Set<string>();
    for (const m of code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)) {
      const id = m[1]!;
      // ajv writes these as text into the code it generates for standalone use; the bundle never
      // loads them (the check below runs the shipped CLI's schema validation to prove it).
      if (id.startsWith('ajv/dist/runtime/')) continue;
      if (id === 'vscode' || id.startsWith('node:') || builtinModules.includes(id) || builtinModules.includes(id.split('/')[0]!)) continue;
      external.add(id);
    }
    if (external.size) problems.push(`loads modules that are not in the vsix: ${[...external].join(', ')}`);
    checks.check(`${b} is a self-contained production bundle`, problems.length === 0, problems.join('; ') || `${(code.length / 1024).toFixed(0)} KB`);
  }

  // Unpack for the extension-host and Neovim suites, which run exactly what ships.
  rmSync(unpackedExtension, { recursive: true, force: true });
  const n = extractZip(buf, 'extension/', ensureDir(unpackedExtension));
  let cliOk = false;
  let detail = '';
  try {
    detail = execFileSync(process.execPath, [join(unpackedExtension, 'dist', 'cli.js'), '--help'], { encoding: 'utf8' }).split('\n')[0]!;
    cliOk = /kubeguard lint/.test(detail);
  } catch (err) {
    detail = String(err);
  }
  checks.check('unpacked; the shipped CLI runs', n === names.filter((x) => x.startsWith('extension/')).length && cliOk, `${n} files in test/e2e/.out/extension; ${detail}`);

  // The schemas ship and load: a misspelled field is found by the packaged CLI alone.
  let schemaDetail = '';
  try {
    const typo = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsNonroot: true\n  containers:\n    - name: a\n      image: busybox:1.36\n';
    const out = execFileSync(process.execPath, [join(unpackedExtension, 'dist', 'cli.js'), 'lint', '--format', 'json', '--fail-on', 'none', '-'], { input: typo, encoding: 'utf8' });
    const found = (JSON.parse(out) as { ruleId: string; message: string }[]).filter((f) => f.ruleId === 'schema-validation');
    schemaDetail = found.map((f) => f.message.slice(0, 60)).join('; ');
    checks.check('the shipped schemas load: the CLI reports a misspelled field', found.some((f) => f.message.includes('runAsNonRoot')), schemaDetail);
  } catch (err) {
    checks.fail('the shipped schemas load: the CLI reports a misspelled field', String(err));
  }
}

main();
checks.finish();
