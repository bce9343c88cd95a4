// Code actions: each finding's fixes, hardening the workload, the two suppressions, and
// source.fixAll.kubeguard (safe fixes only, as minimal edits).
import { diffLines } from 'diff';
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Range,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../engine/analyze.ts';
import { fixAll, fixEdits, fixesFor, ignoreLineEdits, ignoreObjectEdits } from '../engine/fixes.ts';
import type { Settings } from '../engine/settings.ts';
import { normalizeEdits, type TextEdit } from '../yaml/edit.ts';
import { toDiagnostic } from './convert.ts';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EditBuilder } from '../yaml/edit.ts';
import { allowPolicyFile } from '../rules/pod-not-covered-by-networkpolicy.ts';

/** What the client can do besides editing open documents. */
export interface ClientEdits {
  createFiles: boolean;
}

/**
 * For pods no NetworkPolicy selects: write the policy into a new file beside the manifest
 * (networkpolicy.yaml, or <policy>.yaml when that exists), where policies usually live.
 */
function newPolicyFileAction(f: Finding, uri: string, diagnostic: Diagnostic): CodeAction | undefined {
  const origin = f.origin;
  if (!origin || !uri.startsWith('file:')) return undefined;
  let dir: string;
  try {
    dir = dirname(fileURLToPath(uri));
  } catch {
    return undefined;
  }
  const b = new EditBuilder(origin.text, origin.view);
  const file = allowPolicyFile(origin.resource, b.style(), b.eol);
  if (!file) return undefined;
  const name = [`networkpolicy.yaml`, `${file.policy}.yaml`].find((n) => !existsSync(join(dir, n)));
  if (!name) return undefined;
  const target = pathToFileURL(join(dir, name)).href;
  return {
    title: `Create ${name} beside this file with ${file.title}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: {
      documentChanges: [
        { kind: 'create', uri: target, options: { overwrite: false, ignoreIfExists: false } },
        { textDocument: { uri: target, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.text }] },
      ],
    },
  };
}

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.kubeguard`;

export function toLspEdits(doc: TextDocument, edits: readonly TextEdit[]): LspTextEdit[] {
  return normalizeEdits(edits).map((e) => ({
    range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) },
    newText: e.text,
  }));
}

function overlaps(f: Finding, r: Range): boolean {
  const before = (a: { line: number; character: number }, b: { line: number; character: number }) =>
    a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(f.start, r.end) && before(r.start, f.end);
}

function wanted(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

/** The minimal edits that turn `before` into `after`, line by line. */
export function diffEdits(before: string, after: string): TextEdit[] {
  const edits: TextEdit[] = [];
  let offset = 0;
  for (const part of diffLines(before, after)) {
    if (part.added) edits.push({ start: offset, end: offset, text: part.value });
    else if (part.removed) {
      edits.push({ start: offset, end: offset + part.value.length, text: '' });
      offset += part.value.length;
    } else offset += part.value.length;
  }
  // A removal followed by an addition at the same place is one replacement.
  const merged: TextEdit[] = [];
  for (const e of edits) {
    const last = merged[merged.length - 1];
    if (last && last.end === e.start && e.start === e.end) merged[merged.length - 1] = { ...last, text: last.text + e.text };
    else merged.push(e);
  }
  return merged;
}

export function codeActions(
  params: CodeActionParams,
  doc: TextDocument,
  findings: readonly Finding[],
  settings: Settings,
  client: ClientEdits = { createFiles: false },
): CodeAction[] {
  const only = params.context.only;
  const uri = params.textDocument.uri;
  const actions: CodeAction[] = [];

  if (only && wanted(only, FIX_ALL_KIND)) {
    const text = doc.getText();
    const result = fixAll(text, settings);
    if (result.applied > 0) {
      actions.push({
        title: `Fix all safe KubeGuard problems (${result.applied})`,
        kind: FIX_ALL_KIND,
        edit: { changes: { [uri]: toLspEdits(doc, diffEdits(text, result.text)) } },
      });
    }
    return actions;
  }
  if (!wanted(only, CodeActionKind.QuickFix)) return actions;

  const offered = new Set<string>();
  for (const f of findings) {
    if (!overlaps(f, params.range) || !f.origin) continue;
    const diagnostic: Diagnostic = toDiagnostic(f, doc.uri);
    const fixes = fixesFor(f);
    fixes.forEach((fix, i) => {
      let edits: TextEdit[];
      try {
        edits = fixEdits(f, fix);
      } catch {
        return;
      }
      // One workload-wide action, however many of its findings are in range.
      const key = `${fix.title}@${f.origin!.offset}`;
      if (edits.length === 0 || offered.has(key)) return;
      offered.add(key);
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: i === 0 && fix.safety === 'safe',
        edit: { changes: { [uri]: toLspEdits(doc, edits) } },
      });
    });
    if (f.ruleId === 'pod-not-covered-by-networkpolicy' && client.createFiles) {
      const create = newPolicyFileAction(f, uri, diagnostic);
      if (create) actions.push(create);
    }
    if (f.ruleId === 'yaml-syntax') continue;
    actions.push({
      title: `Ignore ${f.ruleId} for this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: toLspEdits(doc, ignoreLineEdits(f)) } },
    });
    const objectEdits = ignoreObjectEdits(f);
    if (objectEdits.length > 0) {
      actions.push({
        title: `Ignore ${f.ruleId} for this object (kubeguard.io/ignore annotation)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [uri]: toLspEdits(doc, objectEdits) } },
      });
    }
  }
  return actions;
}
