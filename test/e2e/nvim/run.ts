// Neovim as a second LSP client: runs test/e2e/nvim/lsp.lua headless against the shipped
// dist/server.js over stdio and checks what Neovim received against the CLI's findings.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Checks } from '../lib/checks.ts';
import { ensureDir, envMs, repoRoot, unpackedExtension, xdgEnv } from '../lib/env.ts';
import { ANCHOR, diffKeys, findingKey, lint, makeWorkspace } from '../lib/expect.ts';

interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
}
interface NvimResult {
  nvim: { major: number; minor: number; patch: number };
  errors: string[];
  diagnostics_ms?: number;
  lsp: LspDiagnostic[];
  vim: { lnum: number; col: number; end_lnum: number; end_col: number; severity: number; source?: string }[];
  hover?: string;
  server_exit?: { code: number; signal: number };
}

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];
const checks = new Checks('Neovim: built-in LSP client over stdio');

function main(): void {
  const extDir = resolve(process.env.KUBEGUARD_EXT_DIR || unpackedExtension);
  const server = join(extDir, 'dist', 'server.js');
  if (!checks.check('dist/server.js exists', existsSync(server), server)) return;
  const run = mkdtempSync(join(tmpdir(), 'kubeguard-nvim-'));
  const ws = ensureDir(join(run, 'workspace'));
  makeWorkspace(ws);
  const file = join(ws, ANCHOR.file);
  // Neovim's root is the workspace directory: the server checks the file against the others there.
  const want = lint(join(extDir, 'dist', 'cli.js'), ws).filter((f) => basename(f.file) === ANCHOR.file);
  const anchor = want.find((f) => f.ruleId === ANCHOR.ruleId);
  if (!checks.check(`the CLI reports ${ANCHOR.ruleId} in ${ANCHOR.file}`, !!anchor, `${want.length} findings`)) return;

  const out = join(run, 'nvim-result.json');
  const t0 = Date.now();
  const r = spawnSync('nvim', ['--headless', '--clean', '-u', join(repoRoot, 'test', 'e2e', 'nvim', 'lsp.lua')], {
    encoding: 'utf8',
    cwd: ws,
    timeout: envMs('KUBEGUARD_E2E_NVIM_TIMEOUT_MS', 60_000),
    killSignal: 'SIGKILL',
    // Neovim keeps swap files, logs and lsp.log under the XDG dirs; keep them in the run dir.
    env: { ...process.env, ...xdgEnv(join(run, 'xdg')), KUBEGUARD_SERVER: server, KUBEGUARD_FILE: file, KUBEGUARD_OUT: out, KUBEGUARD_HOVER: `${anchor!.line - 1}:${anchor!.column - 1}` },
  });
  const ms = Date.now() - t0;
  if (!checks.check('nvim --headless ran the script and exited 0', r.status === 0 && existsSync(out), `exit ${r.status ?? r.signal} after ${ms} ms ${(r.stderr || '').trim().slice(0, 500)}`)) return;
  const res: NvimResult = JSON.parse(readFileSync(out, 'utf8'));
  const v = res.nvim;
  checks.check(`Neovim ${v.major}.${v.minor}.${v.patch} received diagnostics`, res.errors.length === 0 && res.lsp.length > 0, res.errors.join('; ') || `after ${res.diagnostics_ms} ms`);

  const got = res.lsp.map((d) => findingKey({
    ruleId: String(d.code),
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: SEVERITY[d.severity ?? 0] as 'error',
  }));
  const wantKeys = want.map(findingKey);
  const d = diffKeys(wantKeys, got);
  checks.check(`exactly the CLI's ${want.length} findings: rule ids (code), ranges and severities`, !d, d || undefined);
  const sources = [...new Set(res.lsp.map((x) => x.source))];
  checks.check('every diagnostic has source "kubeguard"', sources.length === 1 && sources[0] === 'kubeguard', sources.join(', '));

  // vim.diagnostic is Neovim's own model (0-based lnum/col); it must place them at the same spots.
  const vimPos = res.vim.map((x) => `${x.lnum + 1}:${x.col + 1}-${x.end_lnum + 1}:${x.end_col + 1}`).sort();
  const wantPos = want.map((f) => `${f.line}:${f.column}-${f.endLine}:${f.endColumn}`).sort();
  const dp = diffKeys(wantPos, vimPos);
  checks.check('vim.diagnostic.get() has the same positions', !dp, dp || undefined);

  const hover = res.hover ?? '';
  checks.check(`hover on ${ANCHOR.ruleId} explains it`, hover.includes(anchor!.message) && /how to fix/i.test(hover), hover ? undefined : 'no hover');
  checks.check('the server exits cleanly on shutdown/exit', res.server_exit?.code === 0, JSON.stringify(res.server_exit));

  if (!checks.failed && !process.env.E2E_KEEP) rmSync(run, { recursive: true, force: true });
  else console.log(`  kept ${run}`);
}

main();
checks.finish();
