// text + settings in, findings out. Pure apart from a cache: an Analyzer remembers each
// document chunk it has seen, so an edit re-parses and re-checks only the chunk it touched.
import { visit, type Document, type YAMLError } from 'yaml';
import { resourcesOf, type Resource } from '../k8s/resource.ts';
import { RULES } from '../rules/index.ts';
import { describeSyntaxError, keyRange, yamlSyntaxRule } from '../rules/yaml-syntax.ts';
import { nodeRange, type AnyNode, type Pair, type YamlView } from '../yaml/nodes.ts';
import { readDirectives, ignoredBy, type Directives } from './suppress.ts';
import { LineMap, parseDocuments, splitChunks, type ChunkSpan } from '../yaml/parse.ts';
import type { ChangeWindow } from './edits.ts';
import { isPair } from 'yaml';
import {
  formatMessage,
  type Fix,
  type Report,
  type Rule,
  type Severity,
  type SeveritySetting,
} from './rule.ts';
import { DEFAULT_SETTINGS, ruleSetting, type Settings } from './settings.ts';
import { schemas } from '../schema/validate.ts';
import { objectOf, type WorkspaceObject } from '../workspace/objects.ts';
import type { RelatedInfo, WorkspaceContext } from './rule.ts';

export interface Position {
  line: number;
  character: number;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** 0-based line, UTF-16 character, as LSP counts. */
  start: Position;
  end: Position;
  /** Offsets in the whole text. */
  startOffset: number;
  endOffset: number;
  fixes?: readonly Fix[];
  /** Machine-readable detail for clients (the diagnostic's `data`). */
  detail?: Readonly<Record<string, string>>;
  /** Other objects involved, for LSP related information. */
  related?: readonly RelatedInfo[];
  /** The YAML document the finding is in, for fixes and suppressions. */
  origin?: Origin;
  /**
   * The chunk-relative finding this one was placed from. When only the offsets move (an edit
   * earlier on the same line count), line and column are unchanged, and so is the diagnostic.
   */
  base?: Finding;
}

export interface Origin {
  /** The source text of the document chunk, and where it starts in the whole text. */
  text: string;
  offset: number;
  view: YamlView;
  resource: Resource;
}

/** Files larger than this are not parsed (the user gets one notice instead). */
export const MAX_TEXT_LENGTH = 32 * 1024 * 1024;
/** Syntax errors reported per document chunk; past that the file is broken anyway. */
const MAX_SYNTAX_ERRORS_PER_CHUNK = 20;

interface ActiveRule {
  rule: Rule;
  /** The severity forced by a setting, if any. */
  forced: Severity | undefined;
  /** The severity it runs at when neither a setting nor the report says otherwise. */
  base: Severity;
}

interface RuleSet {
  key: string;
  objectRules: ActiveRule[];
  fileRules: ActiveRule[];
  syntax: ActiveRule | undefined;
  active: Set<string>;
  settings: Settings;
}

interface Chunk {
  text: string;
  lines: LineMap;
  directives: Directives;
  resources: Resource[];
  /** Findings with chunk-relative offsets and lines. */
  findings: Finding[];
  /** The absolute findings computed for `placedAt`, reused while the chunk has not moved. */
  placed: Finding[] | undefined;
  placedAt: number;
  placedOffset: number;
  /** Some object was checked before its schema had compiled: its schema problems are still to come. */
  schemaPending: boolean;
}

/** The rest of the workspace, as the index sees it, for a file being analysed. */
export interface WorkspaceInput {
  uri: string;
  /** Objects of the other files in this file's scope. */
  others: readonly WorkspaceObject[];
  /** The namespace of objects that name none (a kustomization's), else `default`. */
  defaultNamespace?: string;
  shared: boolean;
}

const ALONE: WorkspaceInput = { uri: '', others: [], shared: false };

export interface AnalyzeOptions {
  /** Report only these rule ids (the fixture runner checks one rule at a time). */
  only?: readonly string[];
  rules?: readonly Rule[];
  /** Longest text parsed; the editor keeps a limit, the command line has none. */
  maxTextLength?: number;
}

export class Analyzer {
  private chunks: Chunk[] = [];
  private spans: ChunkSpan[] = [];
  private length = -1;
  private ruleSetKey = '';
  /** The schema compilations that had finished at the last run. */
  private schemaGeneration = -1;
  /** Per file rule, state it keeps between runs (indexes maintained from the changes). */
  private fileState = new Map<string, Map<string, unknown>>();
  /** The chunks the window path replaced, as resource changes (saves diffing every chunk). */
  private windowChanges: { added: Resource[]; removed: Resource[] } | undefined;
  /** Findings of file rules by the report object they came from (see `report` in run()). */
  private fileFindings = new WeakMap<Report, { chunk: Chunk; finding: Finding | undefined; placed: Finding | undefined; at: number; offset: number }>();

  constructor(private readonly options: AnalyzeOptions = {}) {}

  /**
   * Analyses `text`. With `window` (what changed since the previous call), only the documents
   * around the change are split and checked again; without it, unchanged documents are found by
   * comparing their text.
   */
  run(text: string, settings: Settings = DEFAULT_SETTINGS, window?: ChangeWindow | null, workspace: WorkspaceInput = ALONE): Finding[] {
    if (!settings.enable) return this.reset([]);
    const ruleSet = this.ruleSet(settings);
    const maxLength = this.options.maxTextLength ?? MAX_TEXT_LENGTH;
    if (text.length > maxLength) return this.reset(ruleSet.syntax ? [tooLarge(text.length, maxLength)] : []);
    const binary = window && this.usable(window, text, ruleSet)
      ? text.slice(window.start, window.newEnd).includes('\u0000')
      : text.includes('\u0000');
    if (binary) return this.reset(ruleSet.syntax ? binaryNotice() : []);

    // Schemas that compiled since the last run: the chunks checked without them get their schema
    // problems now, without being parsed again.
    const schemaGeneration = schemas().generation;
    if (schemaGeneration !== this.schemaGeneration && ruleSet.key === this.ruleSetKey) {
      for (const chunk of this.chunks) if (chunk.schemaPending) refreshSchema(chunk, ruleSet);
    }
    this.schemaGeneration = schemaGeneration;
    let spans: ChunkSpan[];
    let next: Chunk[];
    if (window && this.usable(window, text, ruleSet)) {
      ({ spans, next } = this.reanalyseWindow(text, window, ruleSet));
    } else {
      if (ruleSet.key !== this.ruleSetKey) this.chunks = [];
      spans = splitChunks(text);
      next = this.reanalyseByComparison(text, spans, ruleSet);
    }
    const changes =
      this.chunks.length === 0 || ruleSet.key !== this.ruleSetKey
        ? undefined
        : this.windowChanges ?? diffResources(this.chunks, next);
    this.windowChanges = undefined;
    if (ruleSet.key !== this.ruleSetKey) this.fileFindings = new WeakMap();
    this.chunks = next;
    this.spans = spans;
    this.length = text.length;
    this.ruleSetKey = ruleSet.key;

    const out: Finding[] = [];
    let line = 0;
    for (let i = 0; i < next.length; i++) {
      const chunk = next[i]!;
      const offset = spans[i]!.start;
      chunk.placedOffset = offset;
      if (!chunk.placed || chunk.placedAt !== line) {
        chunk.placed = chunk.findings.map((f) => new PlacedFinding(f, chunk, line));
        chunk.placedAt = line;
      }
      for (const f of chunk.placed) out.push(f);
      line += chunk.lines.lineCount - 1;
    }

    if (ruleSet.fileRules.length > 0) {
      const all: Resource[] = [];
      for (const chunk of next) for (const r of chunk.resources) all.push(r);
      let objects: WorkspaceObject[] | undefined;
      const wsContext: WorkspaceContext = {
        others: workspace.others,
        shared: workspace.shared,
        objects: () => (objects ??= [...this.objects(workspace.uri, workspace.defaultNamespace, true), ...workspace.others]),
      };
      for (const active of ruleSet.fileRules) {
        let state = this.fileState.get(active.rule.meta.id);
        if (!state || !changes) {
          state = new Map();
          this.fileState.set(active.rule.meta.id, state);
        }
        try {
          active.rule.checkFile!({
            resources: all,
            workspace: wsContext,
            changes,
            state,
            isActive: (id) => ruleSet.active.has(id),
            settings: ruleSet.settings,
            report: (resource, report) => {
              const chunk = chunkOf.get(resource);
              if (!chunk) return;
              // A rule that hands back the same report object for an unchanged object gets the
              // same finding back, so its diagnostic is not rebuilt on every keystroke.
              let cached = this.fileFindings.get(report);
              if (!cached || cached.chunk !== chunk) {
                const f = toFinding(active, report, chunk.lines, resource);
                cached = { chunk, finding: f && !ignoredBy(chunk.directives, resource, f) ? f : undefined, placed: undefined, at: -1, offset: -1 };
                this.fileFindings.set(report, cached);
              }
              if (!cached.finding) return;
              if (!cached.placed || cached.at !== chunk.placedAt) {
                cached.placed = new PlacedFinding(cached.finding, chunk, chunk.placedAt);
                cached.at = chunk.placedAt;
              }
              out.push(cached.placed);
            },
          });
        } catch (err) {
          // The rule's state may be half-updated: start it afresh next time.
          this.fileState.delete(active.rule.meta.id);
          reportRuleCrash(active.rule.meta.id, err);
        }
      }
      out.sort(byPosition);
    }
    // `# kubeguard-disable-file` in any document applies to the whole file.
    let fileOff: Set<string> | 'all' | undefined;
    for (const chunk of next) {
      const d = chunk.directives.file;
      if (!d) continue;
      if (d === 'all' || fileOff === 'all') fileOff = 'all';
      else fileOff = new Set([...(fileOff ?? []), ...d]);
    }
    if (fileOff === 'all') return [];
    if (fileOff) return out.filter((f) => !(fileOff as Set<string>).has(f.ruleId));
    return out;
  }

  /** Whether a change window can be applied to the state of the previous run. */
  private usable(window: ChangeWindow, text: string, ruleSet: RuleSet): boolean {
    if (ruleSet.key !== this.ruleSetKey || this.chunks.length === 0 || this.chunks.length !== this.spans.length) return false;
    if (window.start < 0 || window.oldEnd < window.start || window.newEnd < window.start || window.oldEnd > this.length) return false;
    if (this.length - (window.oldEnd - window.start) + (window.newEnd - window.start) !== text.length) return false;
    // Directives keep a file in one chunk; the previous text had none (it had several chunks), so
    // only the edited region can bring a `%` to the start of a line.
    if (this.chunks.length === 1) return false;
    const around = text.slice(Math.max(0, window.start - 1), Math.min(text.length, window.newEnd + 1));
    return !(around.includes('\n%') || text.charCodeAt(0) === 37);
  }

  private reset(findings: Finding[]): Finding[] {
    this.fileState.clear();
    this.chunks = [];
    this.spans = [];
    this.length = -1;
    return findings;
  }

  /** Full path: split the whole text; reuse chunks whose text is unchanged (front and back). */
  private reanalyseByComparison(text: string, spans: ChunkSpan[], ruleSet: RuleSet): Chunk[] {
    const previous = this.chunks;
    const next: Chunk[] = new Array(spans.length);
    let head = 0;
    while (head < spans.length && head < previous.length && sameText(previous[head]!, text, spans[head]!)) {
      next[head] = previous[head]!;
      head++;
    }
    let tail = 0;
    while (
      tail < spans.length - head &&
      tail < previous.length - head &&
      sameText(previous[previous.length - 1 - tail]!, text, spans[spans.length - 1 - tail]!)
    ) {
      next[spans.length - 1 - tail] = previous[previous.length - 1 - tail]!;
      tail++;
    }
    for (let i = head; i < spans.length - tail; i++) {
      const span = spans[i]!;
      next[i] = analyzeChunk(detach(text.slice(span.start, span.end)), ruleSet);
    }
    return next;
  }

  /**
   * Window path: the chunks the change touches (with a neighbour on each side when the change
   * is close enough to a `---` line to create or break it) are split again; the chunks before
   * stay as they are and the chunks after move by the change in length.
   */
  private reanalyseWindow(text: string, window: ChangeWindow, ruleSet: RuleSet): { spans: ChunkSpan[]; next: Chunk[] } {
    const prevSpans = this.spans;
    const prevChunks = this.chunks;
    const delta = window.newEnd - window.oldEnd;
    // An edit within the first four characters of a chunk can break its own `---` line and merge
    // it into the previous chunk; one that removes the newline before the next `---` merges the
    // next one. Take the neighbours in those cases.
    const a = chunkAt(prevSpans, Math.max(0, window.start - 4));
    const b = Math.max(a, chunkAt(prevSpans, Math.min(Math.max(0, this.length - 1), window.oldEnd + 4)));
    const regionStart = prevSpans[a]!.start;
    const regionEnd = prevSpans[b]!.end + delta;
    const reusable = new Map<string, Chunk>();
    for (let i = a; i <= b; i++) reusable.set(prevChunks[i]!.text, prevChunks[i]!);

    const spans: ChunkSpan[] = prevSpans.slice(0, a);
    const next: Chunk[] = prevChunks.slice(0, a);
    for (const s of splitChunks(text.slice(regionStart, regionEnd))) {
      if (s.end === s.start) continue;
      const span = { start: s.start + regionStart, end: s.end + regionStart };
      const chunkText = text.slice(span.start, span.end);
      spans.push(span);
      // Each cached chunk is used once: a pasted copy of a document is a new chunk of its own.
      const cached = reusable.get(chunkText);
      if (cached) reusable.delete(chunkText);
      next.push(cached ?? analyzeChunk(detach(chunkText), ruleSet));
    }
    const kept = new Set<Chunk>(next.slice(a));
    const removed: Resource[] = [];
    for (let i = a; i <= b; i++) if (!kept.has(prevChunks[i]!)) removed.push(...prevChunks[i]!.resources);
    const replaced = new Set<Chunk>(prevChunks.slice(a, b + 1));
    const added: Resource[] = [];
    for (let i = a; i < next.length; i++) if (!replaced.has(next[i]!)) added.push(...next[i]!.resources);
    this.windowChanges = { added, removed };
    for (let i = b + 1; i < prevSpans.length; i++) {
      const s = prevSpans[i]!;
      spans.push(delta === 0 ? s : { start: s.start + delta, end: s.end + delta });
      next.push(prevChunks[i]!);
    }
    if (spans.length === 0) {
      spans.push({ start: 0, end: text.length });
      next.push(analyzeChunk(detach(text), ruleSet));
    }
    return { spans, next };
  }

  /**
   * The objects of the last run as workspace objects, placed in the whole text. The same object
   * comes back for an unchanged resource that has not moved, so rules can memoize on it.
   */
  objects(uri: string, defaultNamespace: string | undefined, keepResources = false): WorkspaceObject[] {
    const out: WorkspaceObject[] = [];
    const cache = keepResources ? placedLocal : placedObjects;
    for (const chunk of this.chunks) {
      for (const r of chunk.resources) {
        let cached = cache.get(r);
        // A resource whose chunk has not moved is where it was: no position to work out again.
        if (!cached || cached.placedAt !== chunk.placedAt || cached.uri !== uri || cached.ns !== defaultNamespace) {
          const range = nodeRange(r.anchor);
          const p = chunk.lines.position(range ? range[0] : 0);
          const line = chunk.placedAt + p.line;
          const object =
            cached && cached.uri === uri && cached.ns === defaultNamespace && cached.object.line === line && cached.object.character === p.character
              ? cached.object
              : objectOf(uri, r, { line, character: p.character }, defaultNamespace, keepResources);
          cached = { placedAt: chunk.placedAt, uri, ns: defaultNamespace, object };
          cache.set(r, cached);
        }
        out.push(cached.object);
      }
    }
    return out;
  }

  /** The resources of the last run, in file order. */
  resources(): Resource[] {
    return this.chunks.flatMap((c) => c.resources);
  }

  private ruleSet(settings: Settings): RuleSet {
    const rules = this.options.rules ?? RULES;
    const only = this.options.only;
    const objectRules: ActiveRule[] = [];
    const fileRules: ActiveRule[] = [];
    const active = new Set<string>();
    let syntax: ActiveRule | undefined;
    const keyParts: string[] = [];
    for (const rule of rules) {
      const setting: SeveritySetting = ruleSetting(rule.meta, settings);
      if (setting === 'off') continue;
      // A rule left out by `only` still counts as on, so overlapping rules defer as they would in a full run.
      active.add(rule.meta.id);
      if (only && !only.includes(rule.meta.id)) continue;
      const forced = settings.rules[rule.meta.id] ? setting : undefined;
      keyParts.push(`${rule.meta.id}=${forced ?? '*'}:${setting}`);
      const entry: ActiveRule = { rule, forced, base: setting };
      if (rule === yamlSyntaxRule) syntax = entry;
      if (rule.check) objectRules.push(entry);
      if (rule.checkFile) fileRules.push(entry);
    }
    // Rule options change findings as much as severities do, so they are part of the cache key.
    keyParts.push(`pc=${settings.priorityClasses.join(' ')}`, `tr=${settings.trustedRegistries.join(' ')}`);
    return { key: keyParts.join(','), objectRules, fileRules, syntax, active, settings };
  }
}

/**
 * A chunk-relative finding placed in the whole text. Lines are fixed when it is made (it is made
 * again when its chunk moves to another line); offsets are read from the chunk's current place,
 * so an edit that only shifts offsets (typing on a line above) re-creates nothing.
 */
class PlacedFinding implements Finding {
  readonly start: Position;
  readonly end: Position;
  constructor(
    readonly base: Finding,
    private readonly chunk: Chunk,
    line: number,
  ) {
    this.start = { line: base.start.line + line, character: base.start.character };
    this.end = { line: base.end.line + line, character: base.end.character };
  }
  get ruleId(): string {
    return this.base.ruleId;
  }
  get severity(): Severity {
    return this.base.severity;
  }
  get message(): string {
    return this.base.message;
  }
  get fixes(): readonly Fix[] | undefined {
    return this.base.fixes;
  }
  get detail(): Readonly<Record<string, string>> | undefined {
    return this.base.detail;
  }
  get related(): readonly RelatedInfo[] | undefined {
    return this.base.related;
  }
  get startOffset(): number {
    return this.base.startOffset + this.chunk.placedOffset;
  }
  get endOffset(): number {
    return this.base.endOffset + this.chunk.placedOffset;
  }
  get origin(): Origin | undefined {
    const o = this.base.origin;
    return o && { ...o, offset: o.offset + this.chunk.placedOffset };
  }
}


/** Resources of chunks that left, and of chunks that arrived (chunks are reused whole or not at all). */
function diffResources(before: readonly Chunk[], after: readonly Chunk[]): { added: Resource[]; removed: Resource[] } {
  const kept = new Set(after);
  const previous = new Set(before);
  const removed: Resource[] = [];
  const added: Resource[] = [];
  for (const c of before) if (!kept.has(c)) removed.push(...c.resources);
  for (const c of after) if (!previous.has(c)) added.push(...c.resources);
  return { added, removed };
}

interface PlacedObject {
  placedAt: number;
  uri: string;
  ns: string | undefined;
  object: WorkspaceObject;
}
const placedObjects = new WeakMap<Resource, PlacedObject>();
const placedLocal = new WeakMap<Resource, PlacedObject>();

/** The chunk each resource came from, for placing the findings of file rules. */
const chunkOf = new WeakMap<Resource, Chunk>();

/** Index of the span that contains `offset` (spans are sorted and contiguous). */
function chunkAt(spans: readonly ChunkSpan[], offset: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (spans[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** One-shot analysis. */
export function analyze(text: string, settings: Settings = DEFAULT_SETTINGS, options: AnalyzeOptions = {}): Finding[] {
  return new Analyzer(options).run(text, settings);
}

/**
 * A copy of a substring that does not point into the whole text. V8 keeps a substring as a view
 * of its parent, so a cached chunk (and every string the parser sliced from it) would keep the
 * whole file of its version alive: one full copy of a large file per edit.
 */
function detach(s: string): string {
  return (' ' + s).slice(1);
}

function sameText(chunk: Chunk, text: string, span: { start: number; end: number }): boolean {
  const len = span.end - span.start;
  if (chunk.text.length !== len) return false;
  // Equality of two flat strings is a memory compare; startsWith at an offset walks character by
  // character and is several times slower on large files.
  return text.slice(span.start, span.end) === chunk.text;
}

const LOOKS_KUBERNETES = /^[ \t]*(?:apiVersion|kind)[ \t]*:/m;

/**
 * Whether a chunk is a template (Helm, or any Go template) rather than YAML: some `{{` stands
 * outside every string value and outside comments. Templates inside strings (Vault agent and
 * Alertmanager annotations, Argo parameters) are plain data and the document is linted.
 */
function isTemplate(text: string, docs: readonly Document.Parsed[]): boolean {
  if (!text.includes('{{')) return false;
  const ranges: [number, number][] = [];
  for (const doc of docs) {
    visit(doc, {
      Scalar(_key, node) {
        if (node.range && typeof node.value === 'string') ranges.push([node.range[0], node.range[1]]);
      },
    });
  }
  for (let at = text.indexOf('{{'); at >= 0; at = text.indexOf('{{', at + 2)) {
    if (ranges.some(([start, end]) => at >= start && at < end)) continue;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    if (/(^|\s)#/.test(text.slice(lineStart, at))) continue;
    return true;
  }
  return false;
}

function analyzeChunk(text: string, rules: RuleSet): Chunk {
  const lines = new LineMap(text);
  const chunk: Chunk = {
    text,
    lines,
    directives: readDirectives(text, lines),
    resources: [],
    findings: [],
    placed: undefined,
    placedAt: -1,
    placedOffset: -1,
    schemaPending: false,
  };
  const pendingBefore = schemas().pendingHits;
  let docs: Document.Parsed[];
  try {
    docs = parseDocuments(text);
  } catch {
    // The parser does not throw on bad input; this is a last line of defence for the editor.
    return chunk;
  }
  if (isTemplate(text, docs)) return chunk; // a Helm template is not YAML until it is rendered

  for (const doc of docs) {
    let blocking = false;
    if (doc.errors.length > 0) {
      blocking = doc.errors.some((e) => e.code !== 'DUPLICATE_KEY');
      if (rules.syntax && LOOKS_KUBERNETES.test(text)) {
        for (const err of withoutCascades(doc.errors, lines).slice(0, MAX_SYNTAX_ERRORS_PER_CHUNK)) {
          chunk.findings.push(syntaxFinding(rules.syntax, err, lines));
        }
      }
    }
    if (blocking) continue;
    let resources: Resource[];
    try {
      resources = resourcesOf(doc);
    } catch {
      continue;
    }
    for (const resource of resources) {
      chunk.resources.push(resource);
      chunkOf.set(resource, chunk);
      for (const active of rules.objectRules) {
        try {
          active.rule.check!({
            resource,
            source: text,
            isActive: (id) => rules.active.has(id),
            settings: rules.settings,
            report(report) {
              const f = toFinding(active, report, lines, resource);
              if (f && !ignoredBy(chunk.directives, resource, f)) chunk.findings.push(f);
            },
          });
        } catch (err) {
          // A rule bug must not take the other rules (or the editor) down with it.
          reportRuleCrash(active.rule.meta.id, err);
        }
      }
    }
  }
  chunk.schemaPending = schemas().pendingHits !== pendingBefore;
  tidy(chunk);
  return chunk;
}

/** Sorts a chunk's findings and drops repeats. */
function tidy(chunk: Chunk): void {
  chunk.findings.sort(byPosition);
  // A container map aliased into two lists, or two parse errors on one token, say the same thing twice.
  chunk.findings = chunk.findings.filter((f, i, all) => {
    const prev = all[i - 1];
    return !(prev && prev.ruleId === f.ruleId && prev.startOffset === f.startOffset && prev.endOffset === f.endOffset && (prev.message === f.message || f.ruleId === 'yaml-syntax'));
  });
}

/**
 * Adds the schema problems of a chunk checked before its schemas had compiled: only the schema
 * rule runs again, on the objects already parsed.
 */
function refreshSchema(chunk: Chunk, rules: RuleSet): void {
  const active = rules.objectRules.find((a) => a.rule.meta.id === 'schema-validation');
  const before = schemas().pendingHits;
  if (active) {
    for (const resource of chunk.resources) {
      try {
        active.rule.check!({
          resource,
          source: chunk.text,
          isActive: (id) => rules.active.has(id),
          settings: rules.settings,
          report(report) {
            const f = toFinding(active, report, chunk.lines, resource);
            if (f && !ignoredBy(chunk.directives, resource, f)) chunk.findings.push(f);
          },
        });
      } catch (err) {
        reportRuleCrash(active.rule.meta.id, err);
      }
    }
  }
  chunk.schemaPending = schemas().pendingHits !== before;
  tidy(chunk);
  chunk.placed = undefined;
}

let crashListener: ((ruleId: string, err: unknown) => void) | undefined;
/** Lets the server log rule crashes; by default they are silent. */
export function onRuleCrash(fn: (ruleId: string, err: unknown) => void): void {
  crashListener = fn;
}
function reportRuleCrash(ruleId: string, err: unknown): void {
  crashListener?.(ruleId, err);
}

function syntaxFinding(active: ActiveRule, err: YAMLError, lines: LineMap): Finding {
  const [start, end] = syntaxRange(err, lines);
  return makeFinding(active.rule.meta.id, active.forced ?? 'error', describeSyntaxError(err, lines.text), start, end, lines);
}

/**
 * Where to underline a parse error. The parser points at one character, sometimes at leading
 * white space or past the last character; the user should see the token that is wrong.
 */
function syntaxRange(err: YAMLError, lines: LineMap): [number, number] {
  const text = lines.text;
  let start = Math.min(Math.max(0, err.pos[0]), text.length);
  let end = Math.min(Math.max(start, err.pos[1]), text.length);
  if (err.code === 'DUPLICATE_KEY') return keyRange(text, start);
  // An unclosed quote: point at the quote that opens the string.
  const quote = /closing (["'])/.exec(err.message)?.[1] ?? (/quote/i.test(err.message) ? '"' : undefined);
  if (err.code === 'MISSING_CHAR' && quote) {
    for (let i = Math.min(start, text.length - 1); i >= 0; i--) {
      if (text[i] === quote && (i === 0 || /[\s:,[{-]/.test(text[i - 1]!))) return [i, i + 1];
    }
  }
  // Past the last token (an unclosed `{` or `[` at the end of the document): point at the opener.
  if (text.slice(start).trim() === '') {
    const opener = unclosedBracket(text);
    if (opener !== undefined) return [opener, opener + 1];
    let last = start;
    while (last > 0 && /\s/.test(text[last - 1]!)) last--;
    if (last > 0) return [last - 1, last];
  }
  let { line } = lines.position(start);
  let lineStart = lines.starts[line]!;
  let lineEnd = lines.lineEnd(line);
  // On the indentation: move to the first token of the line (tabs are the exception: they are the error).
  if (err.code !== 'TAB_AS_INDENT' && /^[ \t]*$/.test(text.slice(lineStart, start)) && /[ \t]/.test(text[start] ?? '')) {
    const first = text.slice(start, lineEnd).search(/\S/);
    if (first >= 0) {
      start += first;
      end = start;
      while (end < lineEnd && !/\s/.test(text[end]!)) end++;
      return [start, end];
    }
  }
  if (end > lineEnd) end = lineEnd;
  if (end === start) {
    if (start < lineEnd) end = start + 1;
    else if (start > lineStart) start = end - 1;
  }
  return [start, end];
}

/** The offset of the last `{` or `[` left open, outside quotes and comments (a best effort). */
function unclosedBracket(text: string): number | undefined {
  const stack: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]!))) quote = c;
    else if (c === '{' || c === '[') stack.push(i);
    else if ((c === '}' || c === ']') && stack.length > 0) stack.pop();
  }
  return stack.length > 0 ? stack[stack.length - 1] : undefined;
}

/** A tab in the indentation makes the parser stumble several times on that line; keep the tab error. */
function withoutCascades(errors: readonly YAMLError[], lines: LineMap): YAMLError[] {
  const tabLines = new Set(errors.filter((e) => e.code === 'TAB_AS_INDENT').map((e) => lines.lineOf(e.pos[0])));
  if (tabLines.size === 0) return errors.slice();
  return errors.filter((e) => {
    if (e.code === 'TAB_AS_INDENT') return true;
    const line = lines.lineOf(e.pos[0]);
    if (tabLines.has(line)) return false;
    const atLineEnd = e.pos[0] >= lines.lineEnd(line) && e.pos[1] <= e.pos[0];
    return !(atLineEnd && tabLines.has(line + 1));
  });
}

function toFinding(active: ActiveRule, report: Report, lines: LineMap, resource?: Resource): Finding | undefined {
  const range = reportRange(report);
  if (!range) return undefined;
  let [start, end] = range;
  const { line } = lines.position(start);
  const lineEnd = lines.lineEnd(line);
  if (end > lineEnd) end = lineEnd;
  while (end > start && (lines.text.charCodeAt(end - 1) === 32 || lines.text.charCodeAt(end - 1) === 9)) end--;
  const meta = active.rule.meta;
  const template = meta.messages[report.messageId];
  if (template === undefined) throw new Error(`rule ${meta.id} has no message '${report.messageId}'`);
  const severity = active.forced ?? report.severity ?? active.base;
  const f = makeFinding(meta.id, severity, formatMessage(template, report.data), start, end, lines);
  if (resource) f.origin = { text: lines.text, offset: 0, view: resource.view, resource };
  if (report.fixes && report.fixes.length > 0) f.fixes = report.fixes;
  if (report.detail) f.detail = report.detail;
  if (report.related && report.related.length > 0) f.related = report.related;
  return f;
}

function reportRange(report: Report): [number, number] | undefined {
  const at = report.at;
  if (!at) return undefined;
  if (isPair(at)) {
    const pair = at as Pair;
    const key = nodeRange(pair.key);
    const value = nodeRange(pair.value);
    const part = report.part ?? 'key';
    if (part === 'value' && value && value[1] > value[0]) return value;
    if (part === 'pair' && key) return [key[0], value && value[1] > key[1] ? value[1] : key[1]];
    return key ?? value;
  }
  return nodeRange(at as AnyNode);
}

function makeFinding(
  ruleId: string,
  severity: Severity,
  message: string,
  start: number,
  end: number,
  lines: LineMap,
): Finding {
  return {
    ruleId,
    severity,
    message,
    start: lines.position(start),
    end: lines.position(end),
    startOffset: start,
    endOffset: end,
  };
}


function byPosition(a: Finding, b: Finding): number {
  return a.startOffset - b.startOffset || a.endOffset - b.endOffset || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

function tooLarge(length: number, max: number): Finding {
  const mb = (length / (1024 * 1024)).toFixed(1);
  return {
    ruleId: 'yaml-syntax',
    severity: 'info',
    message: `This file is ${mb} MB, above the ${Math.round(max / (1024 * 1024))} MB KubeGuard reads in the editor, so it was not checked. Split it, or lint it from a terminal with \`kubeguard lint\`.`,
    start: { line: 0, character: 0 },
    end: { line: 0, character: 0 },
    startOffset: 0,
    endOffset: 0,
  };
}

function binaryNotice(): Finding[] {
  return [
    {
      ruleId: 'yaml-syntax',
      severity: 'error',
      message:
        'This file contains binary data (NUL bytes), so it is not YAML text and cannot be applied to a cluster. Check that the right file was saved under this name.',
      start: { line: 0, character: 0 },
      end: { line: 0, character: 0 },
      startOffset: 0,
      endOffset: 0,
    },
  ];
}
