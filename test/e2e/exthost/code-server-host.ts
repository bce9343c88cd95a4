// What code-server-shim.sh runs: an extension-tests run (the contract of @vscode/test-electron)
// inside code-server's Node extension host. The web workbench accepts extensionDevelopmentPath and
// extensionTestsPath through its `payload` URL parameter; when the tests module's run() settles,
// the workbench calls window.codeAutomationExit(code), which Playwright exposes to us. The
// extension host's console output reaches the browser console, and is printed here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConsoleMessage } from 'playwright-core';
import { launchChromium, makeProfile, startCodeServer } from '../lib/code-server.ts';
import { ensureDir, envMs, screenshotDir } from '../lib/env.ts';

const argv = process.argv.slice(2);
const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const folder = argv.find((a) => !a.startsWith('-'));
const extensionDevelopmentPath = opt('extensionDevelopmentPath');
const extensionTestsPath = opt('extensionTestsPath');
const TIMEOUT_MS = envMs('KUBEGUARD_E2E_EXTHOST_TIMEOUT_MS', 240_000);

/** Console arguments arrive printf-style, with %c CSS pairs; rebuild the plain text. */
function formatConsole(values: unknown[]): string {
  const [first, ...rest] = values;
  if (typeof first !== 'string') return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ');
  const head = first.replace(/%[csdifoO]/g, (token) => {
    const v = rest.shift();
    if (token === '%c') return '';
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
  const tail = rest.length && typeof rest[0] === 'string' && /%[csdifoO]/.test(rest[0]) ? formatConsole(rest) : rest.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ');
  return `${head} ${tail}`.trimEnd();
}

const NOISE = /Failed to load resource|vsda|Creating a socket|connection token|additional builtin extensions|iframe|\[Service Worker\]|ServiceWorker|Long running operations/i;

async function main(): Promise<number> {
  if (!extensionDevelopmentPath || !extensionTestsPath) {
    console.error('usage: code-server-shim.sh --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [--user-data-dir=DIR] [--extensions-dir=DIR] [FOLDER]');
    return 2;
  }
  const run = mkdtempSync(join(tmpdir(), 'kubeguard-code-server-'));
  const profile = makeProfile(run, opt('user-data-dir') ?? join(run, 'user-data'), opt('extensions-dir') ?? join(run, 'extensions'));
  const workspace = resolve(folder ?? ensureDir(join(run, 'workspace')));
  const t0 = Date.now();
  const server = await startCodeServer(profile, undefined, join(run, 'code-server.log'));
  console.log(`[shim] code-server (VS Code 1.100 web) listening on ${server.authority} after ${Date.now() - t0} ms`);
  let code = 1;
  const browser = await launchChromium(join(run, 'chromium'));
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let settle: (c: number) => void = () => {};
    const exited = new Promise<number>((r) => { settle = r; });
    await page.exposeFunction('codeAutomationExit', (c: number) => settle(Number(c)));
    page.on('console', (m: ConsoleMessage) => {
      if (NOISE.test(m.text())) return;
      void Promise.all(m.args().map((a) => a.jsonValue().catch(() => '?'))).then((values) => {
        const text = (formatConsole(values) || m.text()).replace(/^\s*\[Extension Host\]\s*/, '');
        if (text.trim()) console.log(`[exthost] ${text}`);
      });
    });
    page.on('pageerror', (e) => console.log(`[workbench error] ${e.message}`));
    const remote = (p: string) => `vscode-remote://${server.authority}${resolve(p)}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
      ['extensionTestsPath', remote(extensionTestsPath)],
    ]);
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), TIMEOUT_MS); });
    const result = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    await page.screenshot({ path: join(ensureDir(screenshotDir), 'exthost-final.png') }).catch(() => {});
    if (result === 'timeout') console.log(`[shim] the tests did not finish within ${TIMEOUT_MS} ms`);
    else code = result;
    console.log(`[shim] extension tests exited with ${result} after ${Date.now() - t0} ms`);
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
  if (code === 0 && !process.env.E2E_KEEP) rmSync(run, { recursive: true, force: true });
  else console.log(`[shim] code-server log and state kept in ${run}`);
  return code;
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => { console.error('[shim]', err); process.exitCode = 1; },
);
