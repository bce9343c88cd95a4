// code-server (VS Code 1.100's server and web workbench with a real Node extension host) and the
// Chromium that shows its workbench, both isolated in a run dir and both ended by the caller.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { chromiumBin, codeServerBin, xdgEnv } from './env.ts';

export interface Profile {
  userDataDir: string;
  extensionsDir: string;
  /** code-server's own config (auth none) and XDG dirs, so nothing lands in ~/.config or ~/.local. */
  stateDir: string;
}

/** Quiet, offline user settings: no welcome page, telemetry, updates, trust prompts or git. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'npm.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.commandCenter.enabled': false,
  'window.restoreWindows': 'none',
  'files.autoSave': 'off',
  'editor.hover.delay': 150,
};

export function makeProfile(runDir: string, userDataDir = join(runDir, 'user-data'), extensionsDir = join(runDir, 'extensions')): Profile {
  const stateDir = join(runDir, 'code-server');
  for (const d of [join(userDataDir, 'User'), extensionsDir, stateDir]) mkdirSync(d, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2));
  writeFileSync(join(stateDir, 'config.yaml'), 'auth: none\ncert: false\n');
  return { userDataDir, extensionsDir, stateDir };
}

function codeServerEnv(profile: Profile): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...xdgEnv(join(profile.stateDir, 'xdg')),
    // An empty gallery turns the marketplace (open-vsx) off: no outbound lookups at all.
    EXTENSIONS_GALLERY: '{}',
    CS_DISABLE_FILE_DOWNLOADS: '1',
  };
}

function profileArgs(profile: Profile): string[] {
  return ['--config', join(profile.stateDir, 'config.yaml'), '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

/** `code-server --install-extension <vsix>`, the way a user installs a downloaded vsix. */
export function installVsix(profile: Profile, vsix: string): string {
  const r = spawnSync(codeServerBin, [...profileArgs(profile), '--install-extension', vsix], {
    encoding: 'utf8',
    env: codeServerEnv(profile),
    timeout: 120_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`code-server --install-extension failed (exit ${r.status ?? r.signal}): ${out}`);
  }
  return out.split('\n').pop() ?? out;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface CodeServer {
  url: string;
  authority: string;
  logFile: string;
  stop(): Promise<void>;
}

/** Starts code-server as the leader of its own process group; stop() ends the whole group. */
export async function startCodeServer(profile: Profile, folder: string | undefined, logFile: string, timeoutMs = 60_000): Promise<CodeServer> {
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const args = [
    ...profileArgs(profile),
    '--bind-addr', authority,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(folder ? [folder] : []),
  ];
  const log = openSync(logFile, 'w');
  const child: ChildProcess = spawn(codeServerBin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: codeServerEnv(profile) });
  let exited = child.exitCode !== null;
  const gone = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      /* the group is gone already */
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);
  const stop = async () => {
    killGroup('SIGTERM');
    const timer = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
    await Promise.race([gone, timer]);
    killGroup('SIGKILL'); // the extension host and language server, if any outlived their parent
    process.removeListener('exit', onExit);
    try { closeSync(log); } catch { /* closed */ }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs} ms (log: ${logFile})`)), timeoutMs);
      const onData = (b: Buffer) => {
        try { writeSync(log, b); } catch { /* closed */ }
        if (/HTTP server listening/.test(b.toString())) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited (${code ?? signal}) before listening; log: ${logFile}`));
      });
      if (exited) reject(new Error('code-server exited at once'));
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://${authority}/`, authority, logFile, stop };
}

/**
 * Debian's Chromium, headless, able to reach 127.0.0.1 and nothing else. Playwright gives it a
 * fresh profile; `stateDir` takes what it writes outside the profile (crash reports, dconf).
 */
export function launchChromium(stateDir: string): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumBin,
    headless: true,
    env: { ...process.env, ...xdgEnv(stateDir) },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}
