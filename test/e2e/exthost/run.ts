// Runs the extension-host suite with @vscode/test-electron's runTests().
//
// By default `vscodeExecutablePath` is code-server-shim.sh, which runs the suite in code-server's
// real Node extension host (VS Code 1.100), since no desktop VS Code can be downloaded here. With
// KUBEGUARD_VSCODE=/path/to/code (a desktop VS Code or its Electron binary) the same suite runs
// there unchanged; KUBEGUARD_VSCODE=download lets test-electron fetch VS Code (needs internet).
//
// The extension under test is the unpacked .vsix (test/e2e/.out/extension, written by the vsix
// check), so this tests what ships; KUBEGUARD_EXT_DIR=. tests the working tree's dist/ instead.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { Checks } from '../lib/checks.ts';
import { makeProfile } from '../lib/code-server.ts';
import { buildDir, e2eHome, ensureDir, packageJson, repoRoot, unpackedExtension } from '../lib/env.ts';
import { ANCHOR, findingKey, lint, makeWorkspace, type CliFinding } from '../lib/expect.ts';
import type { Expectations } from './expectations.ts';
import type { SuiteResults } from './suite/index.ts';

const CLEAN_EDIT = { find: '3.2.0', replace: 'latest' };

function expectations(extDir: string, ws: string, yamlFiles: string[], scratch: string): Expectations {
  const cli = join(extDir, 'dist', 'cli.js');
  const pkg = packageJson(extDir);
  // The editor checks each file against the others of the workspace folder, as the CLI does
  // with the folder as its argument.
  const inWorkspace = (extra: string[] = []) => {
    const by = new Map<string, CliFinding[]>();
    for (const f of lint(cli, ws, extra)) by.set(basename(f.file), [...(by.get(basename(f.file)) ?? []), f]);
    return by;
  };
  const all = inWorkspace();
  const files: Record<string, string[]> = {};
  for (const f of yamlFiles) files[f] = (all.get(f) ?? []).map(findingKey);
  const a = (all.get(ANCHOR.file) ?? []).find((f) => f.ruleId === ANCHOR.ruleId);
  if (!a) throw new Error(`the CLI reports no ${ANCHOR.ruleId} in ${ANCHOR.file}; the e2e suites rely on it`);
  // The live-edit check: the clean fixture with its image tag changed to `latest`.
  const edited = join(scratch, 'clean-edited.yaml');
  writeFileSync(edited, readFileSync(join(ws, 'clean.yaml'), 'utf8').replace(CLEAN_EDIT.find, CLEAN_EDIT.replace));
  return {
    extensionId: `${pkg.publisher}.${pkg.name}`,
    files,
    anchor: { file: ANCHOR.file, ruleId: a.ruleId, key: findingKey(a), line: a.line, column: a.column, message: a.message },
    baseline: (inWorkspace(['--profile', 'baseline']).get(ANCHOR.file) ?? []).map(findingKey),
    anchorRuleOff: (inWorkspace(['--rule', `${ANCHOR.ruleId}=off`]).get(ANCHOR.file) ?? []).map(findingKey),
    clean: { file: 'clean.yaml', ...CLEAN_EDIT, expect: lint(cli, edited).map(findingKey) },
  };
}

async function main(): Promise<void> {
  const checks = new Checks('extension host: @vscode/test-electron + mocha');
  const extDir = resolve(process.env.KUBEGUARD_EXT_DIR || unpackedExtension);
  const suite = join(buildDir, 'exthost-suite', 'index.js');
  for (const [what, p] of [['extension (run the vsix check first)', join(extDir, 'package.json')], ['suite bundle', suite]] as const) {
    if (!existsSync(p)) {
      checks.fail(`${what} exists`, p);
      return checks.finish();
    }
  }

  const run = mkdtempSync(join(tmpdir(), 'kubeguard-exthost-'));
  const ws = ensureDir(join(run, 'workspace'));
  const yamlFiles = makeWorkspace(ws);
  const expectFile = join(run, 'expected.json');
  const resultsFile = join(run, 'results.json');
  let expected: Expectations;
  try {
    expected = expectations(extDir, ws, yamlFiles, run);
  } catch (err) {
    checks.fail('expectations from the CLI', String(err));
    return checks.finish();
  }
  writeFileSync(expectFile, JSON.stringify(expected, null, 2));
  const profile = makeProfile(run);

  const target = process.env.KUBEGUARD_VSCODE;
  const vscodeExecutablePath = target === 'download' ? undefined : target || join(repoRoot, 'test', 'e2e', 'exthost', 'code-server-shim.sh');
  console.log(`editor: ${vscodeExecutablePath ?? 'VS Code downloaded by @vscode/test-electron'}`);
  console.log(`extension: ${extDir}\nworkspace: ${ws}`);
  let runError: unknown;
  try {
    await runTests({
      // Without an executable, test-electron downloads VS Code; keep it out of the repo.
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { cachePath: join(e2eHome, 'vscode-test') }),
      extensionDevelopmentPath: extDir,
      extensionTestsPath: suite,
      launchArgs: [ws, `--user-data-dir=${profile.userDataDir}`, `--extensions-dir=${profile.extensionsDir}`, '--disable-extensions'],
      extensionTestsEnv: { KUBEGUARD_E2E_EXPECT: expectFile, KUBEGUARD_E2E_RESULTS: resultsFile, KUBEGUARD_E2E_RUN_DIR: run },
    });
  } catch (err) {
    runError = err;
  }

  // Report each mocha test as a check, so the totals count tests, not runs.
  let results: SuiteResults | undefined;
  try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    /* the suite never got to write it */
  }
  if (!results) {
    checks.fail('the suite ran in the extension host', `no results file; runTests: ${String(runError ?? 'exited 0')}`);
  } else {
    checks.passed += results.passed;
    checks.failed += results.failed;
    for (const f of results.failures) checks.failures.push(f.title);
    console.log(`mocha: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
    for (const s of results.skips) console.log(`  skipped: ${s}`);
    for (const f of results.failures) console.log(`  FAIL  ${f.title}\n        ${f.error.split('\n').slice(0, 6).join('\n        ')}`);
    if (runError && results.failed === 0) checks.fail('the editor exited cleanly', String(runError));
  }
  if (checks.failed === 0 && !process.env.E2E_KEEP) rmSync(run, { recursive: true, force: true });
  else console.log(`run dir kept: ${run}`);
  checks.finish();
}

main().catch((err) => {
  console.error(err);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
