// Where things are, for every e2e driver. The drivers are bundled into test/e2e/.out/build/ and
// run with plain `node`, so paths are found from the file system, not from the working directory.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

function findRepoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'kubeguard') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no kubeguard package.json above ${__dirname}`);
    dir = parent;
  }
}

export const repoRoot = findRepoRoot();
/** Git-ignored output: bundles, the unpacked vsix, screenshots, logs of failed runs. */
export const outDir = join(repoRoot, 'test', 'e2e', '.out');
export const buildDir = join(outDir, 'build');
export const screenshotDir = join(outDir, 'screenshots');
/** The vsix unpacked by the vsix check; the extension-host and Neovim suites run this copy. */
export const unpackedExtension = join(outDir, 'extension');

/** Scratch dir outside the repo with code-server (scripts/e2e/setup.sh installs it there). */
export const e2eHome = resolve(process.env.KUBEGUARD_E2E_HOME || join(process.env.TMPDIR || tmpdir(), 'kubeguard-e2e'));
export const codeServerBin = process.env.CODE_SERVER || join(e2eHome, 'node_modules', '.bin', 'code-server');
export const chromiumBin = process.env.CHROMIUM || '/usr/bin/chromium';

export function packageJson(dir = repoRoot): { name: string; publisher: string; version: string } {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

export function vsixPath(): string {
  return process.env.KUBEGUARD_VSIX || join(repoRoot, `kubeguard-${packageJson().version}.vsix`);
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Milliseconds from an env var, or the default. */
export function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** XDG dirs under `dir`, for tools that otherwise write to ~/.config, ~/.cache and ~/.local. */
export function xdgEnv(dir: string): NodeJS.ProcessEnv {
  return {
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_STATE_HOME: join(dir, 'state'),
  };
}
