// Snippet completion: at the start of an empty YAML document (the top of the file, or right
// after a `---` line), the server offers the snippets of snippets/kubernetes.code-snippets, the
// same file VS Code contributes through package.json, so both come from one source.
//
// The file is read at run time from beside the bundle (extension/dist/server.js ->
// extension/snippets/) or from the repository when running from the sources, as the schemas are.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Position,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export const SNIPPET_FILE = 'kubernetes.code-snippets';

export interface Snippet {
  /** The key of the entry in the snippet file. */
  name: string;
  prefix: string;
  description: string;
  /** The body in VS Code snippet syntax, lines joined with `\n`. */
  body: string;
}

/** Where the snippet file is: beside the bundle (dist/../snippets) or the sources. */
export function snippetFilePath(): string | undefined {
  for (const dir of [join(__dirname, '..', 'snippets'), join(__dirname, '..', '..', '..', 'snippets')]) {
    const file = join(dir, SNIPPET_FILE);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Reads a snippet file (VS Code's format: name -> {prefix, body, description, scope}). */
export function parseSnippetFile(text: string): Snippet[] {
  const raw = JSON.parse(text) as Record<string, { prefix?: unknown; body?: unknown; description?: unknown; scope?: unknown }>;
  const out: Snippet[] = [];
  for (const [name, entry] of Object.entries(raw)) {
    if (!entry || typeof entry !== 'object') continue;
    if (typeof entry.scope === 'string' && !entry.scope.split(',').map((s) => s.trim()).includes('yaml')) continue;
    const prefixes = Array.isArray(entry.prefix) ? entry.prefix : [entry.prefix];
    const body = Array.isArray(entry.body) ? entry.body.join('\n') : entry.body;
    if (typeof body !== 'string') continue;
    for (const prefix of prefixes) {
      if (typeof prefix !== 'string' || prefix === '') continue;
      out.push({ name, prefix, description: typeof entry.description === 'string' ? entry.description : name, body });
    }
  }
  return out;
}

let cache: Snippet[] | undefined;

/** The snippets of the extension; empty when the file cannot be found or read. */
export function loadSnippets(): Snippet[] {
  if (cache) return cache;
  const file = snippetFilePath();
  try {
    cache = file ? parseSnippetFile(readFileSync(file, 'utf8')) : [];
  } catch {
    cache = [];
  }
  return cache;
}

// ---------------------------------------------------------------------------------------------
// The snippet grammar (https://code.visualstudio.com/docs/editor/userdefinedsnippets#_grammar):
//
//   any         ::= tabstop | placeholder | choice | variable | text
//   tabstop     ::= '$' int | '${' int '}'
//   placeholder ::= '${' int ':' any '}'
//   choice      ::= '${' int '|' text (',' text)* '|}'
//   variable    ::= '$' var | '${' var '}' | '${' var ':' any '}'
//
// `\` escapes `$`, `}` and `\` (and `,` and `|` inside a choice); a `$` that starts none of the
// forms above is plain text, as is a `\` before any other character. Transforms
// (`${1/regex/format/}`) are not supported: the parser reports them.

type Node =
  | { type: 'text'; value: string }
  | { type: 'tabstop'; index: number; children: Node[] | undefined }
  | { type: 'choice'; index: number; options: string[] }
  | { type: 'variable'; name: string; children: Node[] | undefined };

export class SnippetSyntaxError extends Error {}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): Node[] {
    const nodes = this.sequence(false);
    if (this.pos < this.src.length) throw new SnippetSyntaxError(`unexpected "${this.src[this.pos]}" at ${this.pos}`);
    return nodes;
  }

  /** Nodes up to the end, or up to an unescaped `}` when `nested` (the `}` is not consumed). */
  private sequence(nested: boolean): Node[] {
    const nodes: Node[] = [];
    let text = '';
    const flush = (): void => {
      if (text) nodes.push({ type: 'text', value: text });
      text = '';
    };
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos]!;
      if (ch === '\\') {
        const next = this.src[this.pos + 1];
        if (next === '$' || next === '}' || next === '\\') {
          text += next;
          this.pos += 2;
        } else {
          text += ch;
          this.pos++;
        }
        continue;
      }
      if (ch === '}' && nested) break;
      if (ch === '$') {
        const node = this.dollar();
        if (node) {
          flush();
          nodes.push(node);
          continue;
        }
      }
      text += ch;
      this.pos++;
    }
    flush();
    return nodes;
  }

  /** A construct starting at `$`, or undefined (and nothing consumed) when `$` is plain text. */
  private dollar(): Node | undefined {
    const src = this.src;
    const start = this.pos;
    const rest = src.slice(start + 1);
    let m = /^\d+/.exec(rest);
    if (m) {
      this.pos = start + 1 + m[0].length;
      return { type: 'tabstop', index: Number(m[0]), children: undefined };
    }
    m = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(rest);
    if (m) {
      this.pos = start + 1 + m[0].length;
      return { type: 'variable', name: m[0], children: undefined };
    }
    if (rest[0] !== '{') return undefined;
    this.pos = start + 2;
    m = /^(\d+)|^([_a-zA-Z][_a-zA-Z0-9]*)/.exec(src.slice(this.pos));
    if (!m) {
      this.pos = start;
      return undefined;
    }
    this.pos += m[0].length;
    const index = m[1] !== undefined ? Number(m[1]) : undefined;
    const name = m[2];
    const next = src[this.pos];
    if (next === '}') {
      this.pos++;
      return index !== undefined ? { type: 'tabstop', index, children: undefined } : { type: 'variable', name: name!, children: undefined };
    }
    if (next === ':') {
      this.pos++;
      const children = this.sequence(true);
      if (src[this.pos] !== '}') throw new SnippetSyntaxError(`unclosed \${ at ${start}`);
      this.pos++;
      return index !== undefined ? { type: 'tabstop', index, children } : { type: 'variable', name: name!, children };
    }
    if (next === '|' && index !== undefined) {
      const options = this.choiceOptions();
      if (options) return { type: 'choice', index, options };
    }
    if (next === '/') throw new SnippetSyntaxError(`transforms are not supported (at ${start})`);
    // Not a construct after all (`${1x`): the `$` is text.
    this.pos = start;
    return undefined;
  }

  /** `|a,b,c|}` after the index; undefined (position unchanged) when it is not well formed. */
  private choiceOptions(): string[] | undefined {
    const src = this.src;
    const save = this.pos;
    this.pos++; // '|'
    const options: string[] = [];
    let current = '';
    while (this.pos < src.length) {
      const ch = src[this.pos]!;
      if (ch === '\\' && /[$}\\,|]/.test(src[this.pos + 1] ?? '')) {
        current += src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (ch === ',') {
        options.push(current);
        current = '';
        this.pos++;
        continue;
      }
      if (ch === '|' && src[this.pos + 1] === '}') {
        options.push(current);
        this.pos += 2;
        return options;
      }
      current += ch;
      this.pos++;
    }
    this.pos = save;
    return undefined;
  }
}

/** Parses a snippet body; throws SnippetSyntaxError on a construct it does not support. */
export function parseSnippet(body: string): Node[] {
  return new Parser(body).parse();
}

/** Values of VS Code's snippet variables, by name; undefined for an unknown one. */
export type VariableResolver = (name: string) => string | undefined;

/** Fixed values for the variables, for tests and for documents without a file name. */
export const TEST_VARIABLES: Readonly<Record<string, string>> = Object.freeze({
  TM_FILENAME: 'app.yaml',
  TM_FILENAME_BASE: 'app',
  TM_DIRECTORY: '/workspace/manifests',
  TM_FILEPATH: '/workspace/manifests/app.yaml',
  RELATIVE_FILEPATH: 'manifests/app.yaml',
  TM_LINE_INDEX: '0',
  TM_LINE_NUMBER: '1',
  TM_CURRENT_LINE: '',
  TM_CURRENT_WORD: '',
  TM_SELECTED_TEXT: '',
  CLIPBOARD: '',
  WORKSPACE_NAME: 'workspace',
  WORKSPACE_FOLDER: '/workspace',
  CURRENT_YEAR: '2025',
  CURRENT_YEAR_SHORT: '25',
  CURRENT_MONTH: '01',
  CURRENT_DATE: '01',
  CURRENT_HOUR: '00',
  CURRENT_MINUTE: '00',
  CURRENT_SECOND: '00',
  UUID: '00000000-0000-4000-8000-000000000000',
  RANDOM: '123456',
  RANDOM_HEX: 'abcdef',
  LINE_COMMENT: '#',
  BLOCK_COMMENT_START: '',
  BLOCK_COMMENT_END: '',
});

/**
 * The text a snippet inserts when every tab stop keeps its default: a placeholder's default (or
 * a choice's first option) fills each tab stop of its index, a tab stop without any default and
 * `$0` become empty, and variables take their value from `resolve` (an unknown variable becomes
 * its default, or its name, as in VS Code).
 */
export function expandSnippet(body: string, resolve: VariableResolver = (n) => TEST_VARIABLES[n]): string {
  const nodes = parseSnippet(body);
  // The first placeholder or choice of an index (in document order, nested ones included) gives
  // the value of every tab stop with that index.
  const defaults = new Map<number, Node>();
  const collect = (list: Node[]): void => {
    for (const n of list) {
      if (n.type === 'choice' && !defaults.has(n.index)) defaults.set(n.index, n);
      if (n.type === 'tabstop' && n.children && !defaults.has(n.index)) defaults.set(n.index, n);
      if ((n.type === 'tabstop' || n.type === 'variable') && n.children) collect(n.children);
    }
  };
  collect(nodes);
  const values = new Map<number, string>();
  const resolving = new Set<number>();
  const valueOf = (index: number): string => {
    const known = values.get(index);
    if (known !== undefined) return known;
    const def = defaults.get(index);
    if (!def || resolving.has(index)) return '';
    resolving.add(index);
    const value = def.type === 'choice' ? (def.options[0] ?? '') : def.type === 'tabstop' ? render(def.children ?? []) : '';
    resolving.delete(index);
    values.set(index, value);
    return value;
  };
  const render = (list: Node[]): string =>
    list
      .map((n) => {
        switch (n.type) {
          case 'text':
            return n.value;
          case 'tabstop':
          case 'choice':
            return valueOf(n.index);
          case 'variable': {
            const v = resolve(n.name);
            if (v !== undefined) return v;
            return n.children ? render(n.children) : n.name;
          }
        }
      })
      .join('');
  return render(nodes);
}

// ---------------------------------------------------------------------------------------------
// Where snippets are offered.

/** A line that ends the previous document (`---` or `...`, optionally followed by a comment). */
const DOCUMENT_BOUNDARY = /^(?:---|\.\.\.)[ \t]*(?:#.*)?$/;
/** What may stand before the cursor on its line: nothing, or a word being typed (the prefix). */
const TYPED_PREFIX = /^[A-Za-z0-9_-]*$/;

/**
 * Whether the cursor is where a new object starts: its line holds nothing but the word being
 * typed (from column 0), and every line of the current YAML document above it is blank or a
 * comment (the document starts at the top of the file or after a `---` line).
 */
export function isSnippetPosition(text: string, position: Position): boolean {
  const lines = text.split(/\r\n|\r|\n/);
  const line = lines[position.line];
  if (line === undefined) return false;
  const before = line.slice(0, position.character);
  const after = line.slice(position.character);
  if (!TYPED_PREFIX.test(before) || after.trim() !== '') return false;
  for (let i = position.line - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (DOCUMENT_BOUNDARY.test(l)) return true;
    const t = l.trim();
    // Directives (`%YAML 1.2`) only stand before a `---`; anything else is content.
    if (t === '' || t.startsWith('#') || t.startsWith('%')) continue;
    return false;
  }
  return true;
}

/** What the client can do with completion items. */
export interface CompletionSupport {
  snippets: boolean;
  markdown: boolean;
}

/** Variables for a real document: its file name and path; the rest as in VS Code's defaults. */
function variablesFor(uri: string, position: Position): VariableResolver {
  let path: string | undefined;
  try {
    path = uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    path = undefined;
  }
  return (name) => {
    switch (name) {
      case 'TM_FILENAME':
        return path ? basename(path) : undefined;
      case 'TM_FILENAME_BASE':
        return path ? basename(path, extname(path)) : undefined;
      case 'TM_DIRECTORY':
        return path ? dirname(path) : undefined;
      case 'TM_FILEPATH':
        return path;
      case 'TM_LINE_INDEX':
        return String(position.line);
      case 'TM_LINE_NUMBER':
        return String(position.line + 1);
      case 'TM_CURRENT_LINE':
      case 'TM_CURRENT_WORD':
      case 'TM_SELECTED_TEXT':
      case 'CLIPBOARD':
        return '';
      case 'LINE_COMMENT':
        return '#';
      default:
        return TEST_VARIABLES[name];
    }
  };
}

/**
 * The snippet completions at `position`, or an empty list when the cursor is not at the start
 * of an empty document. Clients without snippet support get the text with every default filled in.
 */
export function snippetCompletions(
  doc: TextDocument,
  position: Position,
  support: CompletionSupport,
  snippets: readonly Snippet[] = loadSnippets(),
): CompletionItem[] {
  const text = doc.getText();
  if (!isSnippetPosition(text, position)) return [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const range = { start: { line: position.line, character: 0 }, end: position };
  const resolve = variablesFor(doc.uri, position);
  const items: CompletionItem[] = [];
  snippets.forEach((s, i) => {
    let expanded: string;
    try {
      expanded = expandSnippet(s.body, resolve);
    } catch {
      return;
    }
    const newText = support.snippets ? s.body : expanded.split('\n').join(eol);
    items.push({
      label: s.prefix,
      kind: CompletionItemKind.Snippet,
      detail: s.name,
      documentation: support.markdown
        ? { kind: MarkupKind.Markdown, value: `${s.description}\n\n\`\`\`yaml\n${expanded}\n\`\`\`` }
        : { kind: MarkupKind.PlainText, value: `${s.description}\n\n${expanded}` },
      filterText: s.prefix,
      sortText: String(i).padStart(4, '0'),
      insertTextFormat: support.snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      textEdit: { range, newText },
    });
  });
  return items;
}
