// kubeguard: the same engine from a terminal.
//
//   kubeguard lint <files|dirs|->... [--format text|json] [--fail-on error|warning|info|none]
//                  [--profile restricted|baseline] [--rule <id>=<off|info|warning|error>]...
//                  [--trusted-registry <registry>]... [--priority-class <name>]...
//   kubeguard fix <files|dirs>... [--dry-run] [--profile ...] [--rule ...]
//
// Exit codes: 0 no findings at or above --fail-on; 1 there are some; 2 usage error, an
// unreadable path, or an internal error in a rule.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { fixAll } from './engine/fixes.ts';
import { dirname, join, relative, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintWorkspace } from './workspace/batch.ts';
import { onRuleCrash, type Finding } from './engine/analyze.ts';
import { normalizeSettings, severityRank, isSeveritySetting, type Settings } from './engine/settings.ts';
import type { Severity } from './engine/rule.ts';
import { RULES_BY_ID } from './rules/index.ts';

const USAGE = `Usage: kubeguard lint <file|directory|->... [options]
       kubeguard fix <file|directory>... [--dry-run] [--profile ...] [--rule ...]

lint: reports problems in Kubernetes manifests (.yaml/.yml; directories are searched
recursively, - reads stdin).
fix: applies the safe fixes (those that do not change how workloads behave) and writes the
files back; --dry-run prints a unified diff instead.

Options:
  --format text|json          output format (default: text)
  --fail-on error|warning|info|none
                              exit with 1 when a finding at or above this severity exists
                              (default: error)
  --profile restricted|baseline
                              Pod Security Standards profile (default: restricted)
  --rule <id>=<severity>      set a rule's severity: off, info, warning or error (repeatable)
  --scope directory|workspace which files see each other's objects (NetworkPolicies,
                              Services, autoscalers): those under the same top-level
                              directory of a directory given (default), or all of them
  --trusted-registry <registry>
                              a registry images may come from, like ghcr.io/my-org
                              (repeatable; turns on untrusted-registry)
  --priority-class <name>     a PriorityClass workloads may use (repeatable; turns on
                              priority-class)
  --dry-run                   fix: print the changes as a unified diff, write nothing
  -h, --help                  show this help
`;

class UsageError extends Error {}

interface Options {
  command: 'lint' | 'fix';
  dryRun: boolean;
  paths: string[];
  format: 'text' | 'json';
  failOn: Severity | 'none';
  profile: 'restricted' | 'baseline';
  rules: Record<string, string>;
  trustedRegistries: string[];
  priorityClasses: string[];
  scope: 'directory' | 'workspace';
}

function parseArgs(argv: string[]): Options | 'help' {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return 'help';
  if (command !== 'lint' && command !== 'fix') throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
  const opts: Options = { command, dryRun: false, paths: [], format: 'text', failOn: 'error', profile: 'restricted', rules: {}, trustedRegistries: [], priorityClasses: [], scope: 'directory' };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--dry-run':
        if (command !== 'fix') throw new UsageError('--dry-run goes with fix');
        opts.dryRun = true;
        break;
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json, not "${v}"`);
        opts.format = v;
        break;
      }
      case '--fail-on': {
        const v = value();
        if (v !== 'error' && v !== 'warning' && v !== 'info' && v !== 'none') {
          throw new UsageError(`--fail-on must be error, warning, info or none, not "${v}"`);
        }
        opts.failOn = v;
        break;
      }
      case '--profile': {
        const v = value();
        if (v !== 'restricted' && v !== 'baseline') throw new UsageError(`--profile must be restricted or baseline, not "${v}"`);
        opts.profile = v;
        break;
      }
      case '--rule': {
        const v = value();
        const [id, sev] = v.split('=');
        if (!id || !sev || !isSeveritySetting(sev)) throw new UsageError(`--rule takes <id>=<off|info|warning|error>, not "${v}"`);
        if (!RULES_BY_ID.has(id)) throw new UsageError(`unknown rule "${id}"`);
        opts.rules[id] = sev;
        break;
      }
      case '--scope': {
        const v = value();
        if (v !== 'directory' && v !== 'workspace') throw new UsageError(`--scope must be directory or workspace, not "${v}"`);
        opts.scope = v;
        break;
      }
      case '--trusted-registry':
        opts.trustedRegistries.push(value());
        break;
      case '--priority-class':
        opts.priorityClasses.push(value());
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option "${arg}"`);
        opts.paths.push(arg);
    }
  }
  if (opts.paths.length === 0) throw new UsageError('no files or directories given');
  if (opts.command === 'fix' && opts.paths.includes('-')) throw new UsageError('fix writes files; it cannot read standard input');
  return opts;
}

const SKIP_DIRS = new Set(['node_modules', '.git']);

/** Text of a file: UTF-8, or UTF-16 when it starts with a byte order mark (as kubectl reads it). */
export function decode(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.toString('utf16le', 2);
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return buf.toString('utf8');
}

function collectFiles(path: string, out: string[]): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) collectFiles(join(path, e.name), out);
      } else if (/\.ya?ml$/i.test(e.name)) {
        out.push(join(path, e.name));
      }
    }
  } else {
    out.push(path);
  }
}

function display(file: string): string {
  if (file === '-') return '<stdin>';
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function shownFile(uri: string): string {
  try {
    return display(fileURLToPath(uri));
  } catch {
    return uri;
  }
}

interface FileResult {
  file: string;
  findings: Finding[];
}

function main(argv: string[]): number {
  let opts: Options | 'help';
  try {
    opts = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kubeguard: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const settings = normalizeSettings({
    profile: opts.profile,
    rules: opts.rules,
    trustedRegistries: opts.trustedRegistries,
    priorityClasses: opts.priorityClasses,
  });
  if (opts.command === 'fix') return fixCommand(opts, settings);
  let current = '';
  let crashed = false;
  onRuleCrash((ruleId, err) => {
    crashed = true;
    process.stderr.write(`kubeguard: internal error in rule ${ruleId} on ${current}: ${err instanceof Error ? err.stack : String(err)}\n`);
  });
  const results: FileResult[] = [];
  let unreadable = false;
  const inputs: { path: string; shown: string; text: string }[] = [];
  const roots = new Set<string>();
  for (const path of opts.paths) {
    const files: string[] = [];
    try {
      if (path === '-') files.push('-');
      else {
        collectFiles(path, files);
        // A directory given is a workspace folder; a single file belongs to the current directory
        // when it is inside it, else to its own directory.
        const abs = resolve(path);
        const inCwd = !relative(process.cwd(), abs).startsWith('..') && !isAbsolute(relative(process.cwd(), abs));
        roots.add(statSync(path).isDirectory() ? abs : inCwd ? process.cwd() : dirname(abs));
      }
    } catch (err) {
      process.stderr.write(`kubeguard: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      unreadable = true;
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = decode(readFileSync(file === '-' ? 0 : file));
      } catch (err) {
        process.stderr.write(`kubeguard: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
        unreadable = true;
        continue;
      }
      const full = file === '-' ? resolve('<stdin>') : resolve(file);
      // A file named twice (a directory and a file in it) is linted once.
      if (inputs.some((i) => i.path === full)) continue;
      inputs.push({ path: full, shown: display(file), text });
    }
  }
  current = inputs.map((i) => i.shown).join(', ');
  const byPath = lintWorkspace(
    inputs.map((i) => ({ path: i.path, text: i.text })),
    [...roots],
    settings,
    { maxTextLength: Infinity, scope: opts.scope },
  );
  for (const i of inputs) results.push({ file: i.shown, findings: byPath.get(i.path) ?? [] });

  if (opts.format === 'json') {
    const out = results.flatMap(({ file, findings }) =>
      findings.map((f) => ({
        file,
        line: f.start.line + 1,
        column: f.start.character + 1,
        endLine: f.end.line + 1,
        endColumn: f.end.character + 1,
        severity: f.severity,
        ruleId: f.ruleId,
        message: f.message,
        ...(f.related ? { related: f.related.map((r) => ({ file: shownFile(r.uri), line: r.line + 1, column: r.character + 1, message: r.message })) } : {}),
      })),
    );
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    const counts = { error: 0, warning: 0, info: 0 };
    for (const { file, findings } of results) {
      for (const f of findings) {
        counts[f.severity]++;
        process.stdout.write(`${file}:${f.start.line + 1}:${f.start.character + 1}: ${f.severity} [${f.ruleId}] ${f.message}\n`);
        for (const r of f.related ?? []) process.stdout.write(`    ${shownFile(r.uri)}:${r.line + 1}:${r.character + 1}: ${r.message}\n`);
      }
    }
    const total = counts.error + counts.warning + counts.info;
    const files = results.length === 1 ? '1 file' : `${results.length} files`;
    process.stdout.write(
      total === 0
        ? `No problems found in ${files}.\n`
        : `\n${total} problem${total === 1 ? '' : 's'} (${counts.error} errors, ${counts.warning} warnings, ${counts.info} info) in ${files}.\n`,
    );
  }

  if (unreadable || crashed) return 2;
  if (opts.failOn === 'none') return 0;
  const threshold = severityRank(opts.failOn);
  return results.some((r) => r.findings.some((f) => severityRank(f.severity) >= threshold)) ? 1 : 0;
}

function fixCommand(opts: Options, settings: Settings): number {
  let failed = false;
  let total = 0;
  let changedFiles = 0;
  for (const path of opts.paths) {
    const files: string[] = [];
    try {
      collectFiles(path, files);
    } catch (err) {
      process.stderr.write(`kubeguard: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      failed = true;
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = decode(readFileSync(file));
      } catch (err) {
        process.stderr.write(`kubeguard: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
        failed = true;
        continue;
      }
      const result = fixAll(text, settings);
      if (result.text === text) continue;
      total += result.applied;
      changedFiles++;
      const name = display(file);
      if (opts.dryRun) {
        process.stdout.write(createTwoFilesPatch(`a/${name.replace(/^\/+/, "")}`, `b/${name.replace(/^\/+/, "")}`, text, result.text, '', '', { context: 3 }));
      } else {
        try {
          writeFileSync(file, result.text);
        } catch (err) {
          process.stderr.write(`kubeguard: cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
          failed = true;
          continue;
        }
        process.stdout.write(`${name}: ${result.applied} fix${result.applied === 1 ? '' : 'es'} applied\n`);
      }
    }
  }
  const summary =
    total === 0
      ? 'No safe fixes to apply.'
      : `${opts.dryRun ? 'Would apply' : 'Applied'} ${total} safe fix${total === 1 ? '' : 'es'} in ${changedFiles} file${changedFiles === 1 ? '' : 's'}. Fixes that change how a workload behaves are offered in the editor only.`;
  process.stderr.write(summary + '\n');
  return failed ? 2 : 0;
}

process.exitCode = main(process.argv.slice(2));
