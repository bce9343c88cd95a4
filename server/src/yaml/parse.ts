// Parsing with ranges, one chunk per YAML document.
//
// A line that starts with `---` (followed by a space, a tab or the line end) always starts a new
// document in YAML, even inside a block scalar, so a file can be cut at those lines and each
// piece parsed on its own with the same result as parsing the whole. An edit then only
// re-parses the piece it touched. Files with `%` directives are kept whole, because a directive
// belongs to the document after it.
import { parseAllDocuments, type Document, type ParseOptions, type DocumentOptions, type SchemaOptions } from 'yaml';

export const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  // Kubernetes reads manifests with YAML 1.1 rules: `yes`/`on` are booleans, `0755` is octal.
  version: '1.1',
  merge: true,
  uniqueKeys: true,
  prettyErrors: false,
  keepSourceTokens: false,
  strict: true,
};

export interface ChunkSpan {
  start: number;
  end: number;
}

/** Offsets where each document chunk starts; chunk i spans [starts[i], starts[i+1]). */
export function splitChunks(text: string): ChunkSpan[] {
  const spans: ChunkSpan[] = [];
  if (hasDirectives(text)) return [{ start: 0, end: text.length }];
  let chunkStart = 0;
  let from = 0;
  for (;;) {
    const at = text.indexOf('\n---', from);
    if (at < 0) break;
    const lineStart = at + 1;
    const after = text.charCodeAt(lineStart + 3);
    // space, tab, CR, LF or end of text
    if (Number.isNaN(after) || after === 32 || after === 9 || after === 13 || after === 10) {
      if (lineStart > chunkStart) spans.push({ start: chunkStart, end: lineStart });
      chunkStart = lineStart;
    }
    from = lineStart;
  }
  spans.push({ start: chunkStart, end: text.length });
  return spans;
}

function hasDirectives(text: string): boolean {
  if (text.charCodeAt(0) === 37 /* % */) return true;
  return text.includes('\n%');
}

export function parseDocuments(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  // An empty stream comes back as an object that is not an array.
  return Array.isArray(docs) ? docs : [];
}

/** Offset <-> (line, character) for one piece of text; characters are UTF-16 code units, as LSP wants. */
export class LineMap {
  readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    let i = text.indexOf('\n');
    while (i >= 0) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineOf(offset: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  position(offset: number): { line: number; character: number } {
    const line = this.lineOf(offset);
    return { line, character: offset - this.starts[line]! };
  }

  /** Offset of the end of a line's content (before `\r\n` or `\n`). */
  lineEnd(line: number): number {
    const next = line + 1 < this.starts.length ? this.starts[line + 1]! - 1 : this.text.length;
    let end = next;
    if (end > this.starts[line]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.starts[line], this.lineEnd(line));
  }
}
