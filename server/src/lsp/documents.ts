// Open documents, kept with their change windows. The server keeps its own store (rather than
// the library's TextDocuments) because it needs the offsets of each change: the analyzer then
// re-checks only the YAML documents around them.
import type {
  DidChangeTextDocumentParams,
  DidCloseTextDocumentParams,
  DidOpenTextDocumentParams,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { composeWindows, type ChangeWindow } from '../engine/edits.ts';

interface Entry {
  doc: TextDocument;
  /** What changed since the last time the text was taken; null after a full replacement. */
  window: ChangeWindow | null | undefined;
}

export class DocumentStore {
  private entries = new Map<string, Entry>();

  open(p: DidOpenTextDocumentParams): void {
    const d = p.textDocument;
    this.entries.set(d.uri, { doc: TextDocument.create(d.uri, d.languageId, d.version, d.text), window: null });
  }

  change(p: DidChangeTextDocumentParams): void {
    const entry = this.entries.get(p.textDocument.uri);
    if (!entry) return;
    for (const change of p.contentChanges) {
      if ('range' in change) {
        const start = entry.doc.offsetAt(change.range.start);
        const end = entry.doc.offsetAt(change.range.end);
        const w = { start, oldEnd: end, newEnd: start + change.text.length };
        if (entry.window !== null) entry.window = entry.window ? composeWindows(entry.window, w) : w;
      } else {
        entry.window = null;
      }
      TextDocument.update(entry.doc, [change], p.textDocument.version);
    }
  }

  close(p: DidCloseTextDocumentParams): void {
    this.entries.delete(p.textDocument.uri);
  }

  get(uri: string): TextDocument | undefined {
    return this.entries.get(uri)?.doc;
  }

  uris(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** The text, and the window changed since the previous call (null when unknown). */
  take(uri: string): { text: string; version: number; window: ChangeWindow | null } | undefined {
    const entry = this.entries.get(uri);
    if (!entry) return undefined;
    const window = entry.window ?? null;
    entry.window = undefined;
    return { text: entry.doc.getText(), version: entry.doc.version, window };
  }

  /** Forget the change windows: the next analysis starts from the whole text. */
  invalidate(uri: string): void {
    const entry = this.entries.get(uri);
    if (entry) entry.window = null;
  }
}
