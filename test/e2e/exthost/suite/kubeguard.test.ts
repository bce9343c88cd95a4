// KubeGuard inside a real VS Code extension host, through the public `vscode` API only, so the
// same file runs in code-server (the default here) and in a desktop VS Code. Nothing sleeps for a
// fixed time to let things happen: every wait polls for the state it needs, with a deadline.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { Expectations } from '../expectations.ts';

const expected: Expectations = JSON.parse(readFileSync(process.env.KUBEGUARD_E2E_EXPECT ?? '', 'utf8'));
const WAIT_MS = Number(process.env.KUBEGUARD_E2E_WAIT_MS) || 20_000;

const SEVERITY: Record<number, string> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

function ruleOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}

/** The same `ruleId@line:col-endLine:endCol severity` form (1-based) as the CLI expectations. */
function keyOf(d: vscode.Diagnostic): string {
  const r = d.range;
  return `${ruleOf(d)}@${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1} ${SEVERITY[d.severity]}`;
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'kubeguard');
}

function keys(uri: vscode.Uri): string[] {
  return ours(uri).map(keyOf).sort();
}

function diff(want: readonly string[], got: readonly string[]): string {
  const missing = want.filter((k) => !got.includes(k));
  const extra = got.filter((k) => !want.includes(k));
  return `missing [${missing.join(', ')}] unexpected [${extra.join(', ')}] (got ${got.length}, want ${want.length})`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value other than undefined/false; fails with `explain()`. */
async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, explain: () => string = () => '', ms = WAIT_MS): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${explain() ? `: ${explain()}` : ''}`);
    await sleep(50);
  }
}

/** Waits until the file's KubeGuard diagnostics are exactly `want` (as a set of keys). */
async function expectKeys(uri: vscode.Uri, want: readonly string[], what: string): Promise<void> {
  const sorted = [...want].sort();
  await until(what, () => JSON.stringify(keys(uri)) === JSON.stringify(sorted), () => diff(sorted, keys(uri)));
}

const folder = () => {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f.uri;
};
const fileUri = (name: string) => vscode.Uri.joinPath(folder(), name);

async function open(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fileUri(name));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

const anchor = expected.anchor;
const anchorUri = () => fileUri(anchor.file);
const config = () => vscode.workspace.getConfiguration('kubeguard');

describe('KubeGuard in a VS Code extension host', function () {
  let extension: vscode.Extension<unknown>;

  before(function () {
    console.log(`VS Code ${vscode.version} (${vscode.env.appName}), extension ${expected.extensionId}`);
    const ext = vscode.extensions.getExtension(expected.extensionId);
    assert.ok(ext, `extension ${expected.extensionId} is installed`);
    extension = ext;
    // The checks below lean on the examples having this finding; the CLI must agree.
    assert.ok(expected.files[anchor.file]?.includes(anchor.key), `the CLI reports ${anchor.key} in ${anchor.file}`);
  });

  describe('activation', function () {
    it('stays inactive while only .txt and .json files are open', async function () {
      assert.equal(extension.isActive, false, 'inactive before any file is opened');
      const txt = await open('notes.txt');
      const json = await open('data.json');
      assert.equal(txt.languageId, 'plaintext');
      assert.equal(json.languageId, 'json');
      // A negative can only be watched for a while: 2 s is far longer than onLanguage activation
      // takes (it starts within milliseconds of a YAML document opening, see the next test).
      const end = Date.now() + 2000;
      while (Date.now() < end) {
        assert.equal(extension.isActive, false, 'activated without a YAML file');
        await sleep(50);
      }
      assert.equal(ours(txt.uri).length + ours(json.uri).length, 0, 'no KubeGuard diagnostics on non-YAML files');
    });

    it('activates when a YAML file is opened', async function () {
      const t0 = Date.now();
      const doc = await open(anchor.file);
      assert.equal(doc.languageId, 'yaml');
      await until('the extension to activate', () => extension.isActive);
      console.log(`      activated ${Date.now() - t0} ms after opening ${anchor.file}`);
    });
  });

  describe('diagnostics', function () {
    for (const [name, want] of Object.entries(expected.files)) {
      if (name === expected.clean.file) continue;
      it(`${name}: exactly the CLI's ${want.length} findings, at the same positions`, async function () {
        const doc = await open(name);
        await expectKeys(doc.uri, want, `the findings in ${name}`);
      });
    }

    it(`${anchor.file}: source "kubeguard", code = rule id, link to the shipped rule page`, async function () {
      const diags = await until('diagnostics', () => { const d = vscode.languages.getDiagnostics(anchorUri()); return d.length ? d : undefined; });
      for (const d of diags) {
        assert.equal(d.source, 'kubeguard', `source of ${keyOf(d)}`);
        assert.equal(typeof d.code, 'object', `code of ${keyOf(d)} carries a link`);
        const target = (d.code as { target: vscode.Uri }).target;
        assert.equal(target.scheme, 'file', `link of ${keyOf(d)}: ${target.toString()}`);
        assert.ok(target.path.endsWith(`/docs/rules/${ruleOf(d)}.md`), `link of ${keyOf(d)}: ${target.toString()}`);
        assert.ok(existsSync(target.fsPath), `the page ${target.fsPath} exists`);
      }
      const a = diags.find((d) => keyOf(d) === anchor.key);
      assert.ok(a, `${anchor.key} is shown`);
      assert.equal(a.message, anchor.message);
    });

    it(`${expected.clean.file}: no findings, and an edit is linted as it is typed`, async function () {
      assert.deepEqual(expected.files[expected.clean.file], [], 'the CLI finds nothing in the clean fixture');
      const doc = await open(expected.clean.file);
      // "Nothing shown" is also what a server that never answered looks like, so this check is
      // only a first look; the edit round trip below proves the server lints this file.
      assert.deepEqual(keys(doc.uri), [], 'clean file has no findings');

      const at = doc.getText().indexOf(expected.clean.find);
      assert.ok(at >= 0, `"${expected.clean.find}" in ${expected.clean.file}`);
      const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + expected.clean.find.length));
      const typed = new vscode.WorkspaceEdit();
      typed.replace(doc.uri, range, expected.clean.replace);
      assert.ok(await vscode.workspace.applyEdit(typed));
      await expectKeys(doc.uri, expected.clean.expect, 'the finding caused by the edit');

      const back = new vscode.WorkspaceEdit();
      back.replace(doc.uri, new vscode.Range(range.start, doc.positionAt(at + expected.clean.replace.length)), expected.clean.find);
      assert.ok(await vscode.workspace.applyEdit(back));
      await expectKeys(doc.uri, [], 'the finding to clear after undoing the edit');
      await doc.save();
    });

    it(`hover on ${anchor.ruleId} explains the finding`, async function () {
      const pos = new vscode.Position(anchor.line - 1, anchor.column - 1);
      const text = await until('a KubeGuard hover', async () => {
        const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', anchorUri(), pos)) ?? [];
        const t = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
        return t.includes(anchor.ruleId) ? t : undefined;
      });
      assert.ok(text.includes(anchor.message), `hover repeats the message; got:\n${text}`);
      assert.match(text, /how to fix/i, 'hover says how to fix it');
    });
  });

  describe('settings', function () {
    afterEach(async function () {
      for (const key of ['rules', 'profile', 'enable', 'maxProblems']) {
        await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
      }
      await expectKeys(anchorUri(), expected.files[anchor.file]!, 'the default findings after resetting the settings');
    });

    it(`kubeguard.rules: "${anchor.ruleId}": "off" removes just that rule`, async function () {
      await open(anchor.file);
      await config().update('rules', { [anchor.ruleId]: 'off' }, vscode.ConfigurationTarget.Workspace);
      await expectKeys(anchorUri(), expected.anchorRuleOff, `the findings with ${anchor.ruleId} off`);
    });

    it('kubeguard.profile: "baseline" shows the baseline profile\'s findings', async function () {
      assert.notDeepEqual([...expected.baseline].sort(), [...expected.files[anchor.file]!].sort(), 'baseline differs from restricted here');
      await config().update('profile', 'baseline', vscode.ConfigurationTarget.Workspace);
      await expectKeys(anchorUri(), expected.baseline, 'the baseline findings');
    });

    it('kubeguard.enable: false clears the findings', async function () {
      await config().update('enable', false, vscode.ConfigurationTarget.Workspace);
      await expectKeys(anchorUri(), [], 'no findings while disabled');
    });

    it('kubeguard.maxProblems: 3 keeps the 3 most severe', async function () {
      await config().update('maxProblems', 3, vscode.ConfigurationTarget.Workspace);
      // The server may add a note without a rule id saying that more problems exist.
      await until('exactly 3 findings, the error among them', () => {
        const k = ours(anchorUri()).filter((d) => d.code !== undefined).map(keyOf);
        return k.length === 3 && k.includes(anchor.key);
      }, () => keys(anchorUri()).join(', '));
    });
  });

  describe('quick fixes', function () {
    it(`"Remove privileged…" fixes ${anchor.ruleId}`, async function () {
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(anchorUri()), { preview: false });
      const diag = await until(`${anchor.key}`, () => ours(anchorUri()).find((d) => keyOf(d) === anchor.key));
      const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
        'vscode.executeCodeActionProvider', anchorUri(), diag.range)) ?? [];
      if (actions.length === 0) {
        console.log('      SKIPPED: the server offers no code actions at all (quick fixes have not landed yet)');
        this.skip();
      }
      // Titles may quote the YAML in backticks ("Remove `privileged: true` (…)").
      const fix = actions.find((a) => a.title.replace(/`/g, '').startsWith('Remove privileged'));
      assert.ok(fix, `a "Remove privileged…" action among: ${actions.map((a) => JSON.stringify(a.title)).join(', ')}`);
      const edit = 'edit' in fix ? fix.edit : undefined;
      const command = 'command' in fix ? (typeof fix.command === 'string' ? (fix as vscode.Command) : fix.command) : undefined;
      assert.ok(edit || command, 'the action has an edit or a command');
      if (edit) assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applies');
      if (command) await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));

      await until(`${anchor.ruleId} to disappear`, () => {
        const rules = ours(anchorUri()).map(ruleOf);
        return !rules.includes(anchor.ruleId) && rules.length > 0;
      }, () => keys(anchorUri()).join(', '));
      assert.ok(!/^\s*privileged:\s*true\s*$/m.test(editor.document.getText()), 'privileged: true is gone from the document');

      // Put the file back as it was on disk, for anything that runs after this.
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await expectKeys(anchorUri(), expected.files[anchor.file]!, 'the original findings after revert');
    });
  });
});
