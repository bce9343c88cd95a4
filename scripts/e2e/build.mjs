// Bundles the e2e drivers and the extension-host suite (TypeScript) into test/e2e/.out/build/,
// so they run with plain `node`, and inside VS Code's extension host, from any working directory.
// `vscode`, mocha, playwright-core and @vscode/test-electron stay external: they resolve from the
// repo's node_modules (or, for `vscode`, from the extension host).
import * as esbuild from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const e2e = join(root, 'test', 'e2e');
const out = join(e2e, '.out', 'build');

const entries = {
  'vsix-check': 'vsix.check.ts',
  'exthost-run': 'exthost/run.ts',
  'exthost-code-server': 'exthost/code-server-host.ts',
  'exthost-suite/index': 'exthost/suite/index.ts',
  'exthost-suite/kubeguard.test': 'exthost/suite/kubeguard.test.ts',
  'ui-smoke': 'ui/smoke.ts',
  'nvim-run': 'nvim/run.ts',
};

await esbuild.build({
  entryPoints: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, join(e2e, v)])),
  outdir: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron'],
  logLevel: 'warning',
});
