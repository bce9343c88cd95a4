// Minimal text edits to a YAML document. Nothing is ever re-printed: every edit replaces an exact
// source range, and new lines copy the indentation of their neighbours, so comments, key order,
// quoting, blank lines, line endings and the other documents stay byte for byte as they were.
import { isAlias, isMap, isScalar, isSeq, type Node as YamlNode, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { LineMap } from './parse.ts';
import type { YamlView } from './nodes.ts';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
  /**
   * For insertions at the same offset: the indentation of the lines inserted. Lines that belong to
   * a deeper map go first, so a container's new key is not pushed under a pod-level key that is
   * added at the same place.
   */
  depth?: number;
}

/** A value to write: scalars, arrays (written in flow style) and plain objects (block style). */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

const PLAIN_SAFE = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const AMBIGUOUS = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;

/** A scalar as YAML text: plain when that reads back as the same string, double-quoted otherwise. */
export function renderScalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  return PLAIN_SAFE.test(value) && !AMBIGUOUS.test(value) ? value : JSON.stringify(value);
}

function renderFlow(value: YamlValue): string {
  if (Array.isArray(value)) return `[${value.map(renderFlow).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{${entries.map(([k, v]) => `${renderScalar(k)}: ${renderFlow(v)}`).join(', ')}}`;
  }
  return renderScalar(value);
}

function isObject(v: YamlValue): v is { [key: string]: YamlValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** How the file writes block structure: the indentation step, and how sequences sit under keys. */
export interface Style {
  /** One level of indentation. */
  unit: string;
  /** How far a block sequence's dashes sit right of their key ('' for `key:\n- item`). */
  seqIndent: string;
  /** What follows the dash (`- ` usually, `-   ` in some 4-space files). */
  dashGap: string;
}

export const DEFAULT_STYLE: Style = { unit: '  ', seqIndent: '  ', dashGap: ' ' };

/** Lines for `key: value` at `indent`; objects open a block, arrays of objects become block sequences. */
function renderPair(key: string, value: YamlValue, indent: string, style: Style): string[] {
  const k = renderScalar(key);
  if (isObject(value) && Object.keys(value).length > 0) {
    return [`${indent}${k}:`, ...renderBlock(value, indent + style.unit, style)];
  }
  if (Array.isArray(value) && value.some((v) => isObject(v) || Array.isArray(v))) {
    return [`${indent}${k}:`, ...renderSequence(value, indent + style.seqIndent, style)];
  }
  return [`${indent}${k}: ${renderFlow(value)}`];
}

export function renderBlock(obj: { [key: string]: YamlValue }, indent: string, style: Style = DEFAULT_STYLE): string[] {
  return Object.entries(obj).flatMap(([k, v]) => renderPair(k, v, indent, style));
}

function renderSequence(items: YamlValue[], indent: string, style: Style): string[] {
  const out: string[] = [];
  const inner = indent + ' '.repeat(1 + style.dashGap.length);
  for (const item of items) {
    if (isObject(item) && Object.keys(item).length > 0) {
      const lines = renderBlock(item, inner, style);
      out.push(`${indent}-${style.dashGap}${lines[0]!.trimStart()}`, ...lines.slice(1));
    } else {
      out.push(`${indent}-${style.dashGap}${renderFlow(item)}`);
    }
  }
  return out;
}

export class EditBuilder {
  readonly edits: TextEdit[] = [];
  readonly lines: LineMap;
  readonly eol: string;
  private unitCache: string | undefined;
  private styleCache: Style | undefined;
  private flowPairs: WeakSet<object> | undefined;
  /** Maps whose only pair was removed, with the edits that did it (a later addition writes there instead). */
  private emptied = new Map<YAMLMap, { pair: Pair; edits: TextEdit[] }>();
  /** Additions after the last pair of a map (a later removal of its only pair keeps them valid). */
  private added = new Map<YAMLMap, TextEdit[]>();

  constructor(
    readonly text: string,
    readonly view: YamlView,
  ) {
    this.lines = new LineMap(text);
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }

  replace(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text });
  }

  insert(at: number, text: string, depth?: number): void {
    this.edits.push(depth === undefined ? { start: at, end: at, text } : { start: at, end: at, text, depth });
  }

  /** The text with the edits applied (they must not overlap). */
  apply(): string {
    return applyEdits(this.text, this.edits);
  }

  /** Sets the value of an existing pair (a scalar replaces the old value's exact range). */
  setValue(pair: Pair, value: YamlValue): void {
    const key = pair.key as YamlNode;
    const node = pair.value as YamlNode | null;
    const range = node?.range;
    const structured = (isObject(value) && Object.keys(value).length > 0) || (Array.isArray(value) && value.some((v) => isObject(v) || Array.isArray(v)));
    const inFlow = this.isInFlow(pair);
    // An explicit null (`key: null`, `key: ~`) is as empty as `key:` when a block goes there.
    const emptyish = !range || range[1] <= range[0] || (isScalar(node) && node.value === null && structured && !inFlow);
    if (!emptyish && (inFlow || !structured || isScalar(node))) {
      // Keep the quoting style of a string that stays a string.
      const old = this.text.slice(range![0], range![1]);
      const quote = old[0] === "'" || old[0] === '"' ? old[0] : undefined;
      const rendered =
        quote && typeof value === 'string' && !value.includes(quote) && !value.includes('\\') ? `${quote}${value}${quote}` : renderFlow(value);
      this.replace(range![0], range![1], rendered);
      return;
    }
    const keyEnd = key.range![1];
    const colon = this.text.indexOf(':', keyEnd);
    const after = colon >= 0 ? colon + 1 : keyEnd;
    let end = range && range[1] > after ? range[1] : after;
    // A block collection's range runs past its last line break; that break stays.
    if ((isMap(node) || isSeq(node)) && !node.flow) {
      while (end > after && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r' || this.text[end - 1] === ' ')) end--;
    }
    if (structured && !inFlow) {
      // A block under the key, at the file's indentation.
      const col = this.columnOf(key.range![0]);
      const style = this.style();
      const lines = Array.isArray(value)
        ? renderSequence(value, ' '.repeat(col) + style.seqIndent, style)
        : renderBlock(value as { [key: string]: YamlValue }, ' '.repeat(col) + style.unit, style);
      this.replace(after, end, this.eol + lines.join(this.eol));
    } else {
      this.replace(after, end, ' ' + renderFlow(value));
    }
  }

  /** Whether a pair sits inside a flow collection (where only flow style may be written). */
  private isInFlow(pair: Pair): boolean {
    if (!this.flowPairs) {
      const set = new WeakSet<object>();
      const walk = (node: unknown, flow: boolean, depth: number): void => {
        if (depth > 60) return;
        if (isMap(node)) {
          const f = flow || !!node.flow;
          for (const p of node.items as Pair[]) {
            if (f) set.add(p);
            walk(p.value, f, depth + 1);
          }
        } else if (isSeq(node)) {
          const f = flow || !!node.flow;
          for (const item of node.items) walk(item, f, depth + 1);
        }
      };
      walk(this.view.doc.contents, false, 0);
      this.flowPairs = set;
    }
    return this.flowPairs.has(pair);
  }

  /**
   * Sets `path` under `map` to `value`, creating the maps on the way that do not exist yet,
   * inside block or flow maps alike.
   */
  setIn(map: YAMLMap, path: readonly string[], value: YamlValue): void {
    let current: YAMLMap = map;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const pair = this.view.pair(current, key);
      const rest = path.slice(i + 1);
      const leaf = rest.length === 0 ? value : nest(rest, value);
      if (!pair) {
        this.addPair(current, key, leaf);
        return;
      }
      if (rest.length === 0) {
        this.setValue(pair, value);
        return;
      }
      const child = this.view.map(pair.value);
      if (!child || (child.items.length === 0 && !child.flow)) {
        this.setValue(pair, leaf);
        return;
      }
      current = child;
    }
  }

  /** Adds `key: value` as the last pair of `map` (block: a new line at the keys' indentation). */
  addPair(map: YAMLMap, key: string, value: YamlValue): void {
    this.addPairs(map, { [key]: value });
  }

  /**
   * Adds several pairs after the last pair of `map` as one edit: `{a: 1, b: 2}` (or `, a: 1, b: 2`)
   * in a flow map, consecutive lines at the keys' indentation in a block map. Adding them one by
   * one would put several insertions at one offset, which an empty flow map joins without commas.
   */
  addPairs(map: YAMLMap, entries: { [key: string]: YamlValue }): void {
    const list = Object.entries(entries);
    if (list.length === 0) return;
    const gone = this.emptied.get(map);
    if (gone) {
      // The map's only pair was removed (leaving `{}`): the new pairs take its place instead.
      this.emptied.delete(map);
      for (const e of gone.edits) {
        const i = this.edits.indexOf(e);
        if (i >= 0) this.edits.splice(i, 1);
      }
      this.writeInPlaceOf(gone.pair, list);
      return;
    }
    const last = map.items[map.items.length - 1] as Pair | undefined;
    const before = this.edits.length;
    if (map.flow) {
      const text = list.map(([k, v]) => `${renderScalar(k)}: ${renderFlow(v)}`).join(', ');
      if (last) this.insert(pairEnd(last), `, ${text}`);
      else this.insertInEmptyFlow(map, text);
    } else {
      const first = map.items[0] as Pair | undefined;
      if (!first || !last) {
        // An empty block map has no text of its own; callers use setValue on its pair instead.
        throw new Error('cannot add to an empty block map without its pair');
      }
      const indent = ' '.repeat(this.columnOf((first.key as YamlNode).range![0]));
      const style = this.style();
      const lines = list.flatMap(([k, v]) => renderPair(k, v, indent, style));
      this.insertLinesAfter(pairEnd(last), lines);
    }
    if (last) this.added.set(map, [...(this.added.get(map) ?? []), ...this.edits.slice(before)]);
  }

  /**
   * Writes `key: value` in place of `pair` (its key, value and the value's lines), where it is
   * written.
   */
  replacePair(pair: Pair, key: string, value: YamlValue): void {
    this.writeInPlaceOf(pair, [[key, value]]);
  }

  private writeInPlaceOf(pair: Pair, entries: [string, YamlValue][]): void {
    const start = (pair.key as YamlNode).range![0];
    let end = pairEnd(pair);
    while (end > start && /\s/.test(this.text[end - 1]!)) end--;
    if (this.isInFlow(pair)) {
      this.replace(start, end, entries.map(([k, v]) => `${renderScalar(k)}: ${renderFlow(v)}`).join(', '));
      return;
    }
    const col = this.columnOf(start);
    const style = this.style();
    const lines = entries.flatMap(([k, v]) => renderPair(k, v, ' '.repeat(col), style));
    this.replace(start, end, lines.join(this.eol).slice(col));
  }

  /** Removes a pair: its whole lines in a block map, the entry and one comma in a flow map. */
  removePair(map: YAMLMap, pair: Pair): void {
    if (!map.items.includes(pair)) {
      // The pair came in through a `<<` merge: remove it where it is written.
      const holder = this.holderOf(map, pair, 0);
      if (!holder || holder === map) return;
      // `<<: {only: this}` written inline would be left as `<<: {}`: take the merge line instead.
      const mergePair = (map.items as Pair[]).find((p) => p.value === holder);
      if (mergePair && holder.items.length === 1) this.removePair(map, mergePair);
      else this.removePair(holder, pair);
      return;
    }
    const index = map.items.indexOf(pair);
    const keyStart = (pair.key as YamlNode).range![0];
    const end = pairEnd(pair);
    const added = this.added.get(map);
    if (map.items.length === 1 && added) {
      // Pairs were added after this one: they keep the map from being empty.
      if (map.flow) {
        // `{old, new}` loses `old, `: the added text no longer needs its leading comma.
        for (const e of added) if (e.start === end && e.text.startsWith(', ')) e.text = e.text.slice(2);
        this.replace(keyStart, end, '');
      } else {
        this.removeLines(keyStart, end);
      }
      return;
    }
    const before = this.edits.length;
    if (map.flow) {
      this.removeFlowEntry(map.items as Pair[], index, keyStart, end, (p) => (p.key as YamlNode).range![0], pairEnd);
    } else if (map.items.length === 1) {
      // The map would be empty: write `{}` in its place so the parent keeps a map.
      this.replaceBlockWithEmpty(keyStart, end, '{}');
    }
    if (map.items.length === 1) {
      this.emptied.set(map, { pair, edits: this.edits.slice(before) });
      return;
    }
    if (map.flow) return;
    const next = map.items[index + 1] as Pair | undefined;
    if (!this.startsLine(keyStart)) {
      // `- hostPort: 80` with more keys below: the next key moves up after the dash.
      if (next) {
        this.replace(keyStart, (next.key as YamlNode).range![0], '');
        return;
      }
    }
    this.removeLines(keyStart, end);
  }

  /** The map (this one or one merged into it with `<<`) whose own items include `pair`. */
  private holderOf(map: YAMLMap, pair: Pair, depth: number): YAMLMap | undefined {
    if (map.items.includes(pair)) return map;
    if (depth > 8) return undefined;
    for (const item of map.items as Pair[]) {
      const k = item.key as { value?: unknown; type?: string } | null;
      const isMerge = k !== null && typeof k === 'object' && (typeof k.value === 'symbol' || (k.value === '<<' && k.type === 'PLAIN'));
      if (!isMerge) continue;
      const target = this.view.deref(item.value);
      const sources = isMap(target) ? [target] : isSeq(target) ? target.items.map((i) => this.view.map(i)).filter((m) => m !== undefined) : [];
      for (const source of sources) {
        const found = this.holderOf(source as YAMLMap, pair, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  /**
   * Removes `items` from the sequence that is the value of `pair` (a pair of `map`); when none would
   * remain, removes the pair itself rather than leave `key: []`. A sequence that is anchored or
   * reached through an alias (or a pair merged in with `<<`) is shared: it becomes `[]` instead.
   */
  removeListItems(map: YAMLMap, pair: Pair, items: readonly unknown[]): void {
    const seq = this.view.seq(pair.value);
    if (!seq) return;
    const doomed = new Set(items);
    const remaining = seq.items.filter((i) => !doomed.has(i)).length;
    if (remaining === seq.items.length) return;
    if (remaining === 0 && !isAlias(pair.value) && !seq.anchor && !this.mergedFromShared(map, pair)) this.removePair(map, pair);
    else this.removeItems(seq, items);
  }

  /** Whether `pair` comes into `map` through a `<<` merge of a map others may use too (an alias or an anchored map). */
  private mergedFromShared(map: YAMLMap, pair: Pair): boolean {
    if (map.items.includes(pair as never)) return false;
    const holder = this.holderOf(map, pair, 0);
    // Written inline (`<<: {add: [X]}`) and merged only here: the pair can go like any other.
    const inline = (map.items as Pair[]).some((p) => p.value === holder);
    return !holder || !inline || !!holder.anchor;
  }

  /** Removes an item from a sequence (its lines in a block sequence). */
  removeItem(seq: YAMLSeq, item: unknown): void {
    const index = seq.items.indexOf(item as never);
    if (index < 0) return;
    const node = item as YamlNode;
    const start = node.range![0];
    const end = node.range![1];
    if (seq.flow) {
      this.removeFlowEntry(seq.items as YamlNode[], index, start, end, (n) => n.range![0], (n) => n.range![1]);
      return;
    }
    if (seq.items.length === 1) {
      this.replaceBlockWithEmpty(this.dashBefore(start), end, '[]');
      return;
    }
    this.removeLines(this.dashBefore(start), end);
  }

  /**
   * Removes several items of one sequence at once (removing them one by one would make
   * overlapping edits in a flow sequence). A flow sequence keeps the source text of its other items.
   * `rewrite` gives new values for some of the items that stay (a scalar replaces the item's text).
   */
  removeItems(seq: YAMLSeq, items: readonly unknown[], rewrite?: ReadonlyMap<unknown, string | number | boolean | null>): void {
    const doomed = new Set(items);
    const kept = seq.items.filter((i) => !doomed.has(i)) as YamlNode[];
    const textOf = (n: YamlNode): string =>
      rewrite?.has(n) ? renderScalar(rewrite.get(n)!) : this.text.slice(n.range![0], n.range![1]);
    if (kept.length === seq.items.length) {
      for (const n of kept) if (rewrite?.has(n)) this.replace(n.range![0], n.range![1], textOf(n));
      return;
    }
    if (seq.flow) {
      const [start, end] = seq.range!;
      const open = this.text.indexOf('[', start);
      const close = this.text.lastIndexOf(']', end);
      this.replace(open + 1, close, kept.map(textOf).join(', '));
      return;
    }
    for (const n of kept) if (rewrite?.has(n)) this.replace(n.range![0], n.range![1], textOf(n));
    if (kept.length === 0) {
      const first = seq.items[0] as YamlNode;
      const last = seq.items[seq.items.length - 1] as YamlNode;
      this.replaceBlockWithEmpty(this.dashBefore(first.range![0]), last.range![1], '[]');
      return;
    }
    for (const item of seq.items as YamlNode[]) {
      if (doomed.has(item)) this.removeLines(this.dashBefore(item.range![0]), item.range![1]);
    }
  }

  /** Appends an item to a sequence: a new `- item` line, or `, item` in a flow sequence. */
  appendItem(seq: YAMLSeq, value: YamlValue): void {
    const last = seq.items[seq.items.length - 1] as YamlNode | undefined;
    if (seq.flow) {
      if (last) this.insert(last.range![1], `, ${renderFlow(value)}`);
      else this.insertInEmptyFlow(seq, renderFlow(value));
      return;
    }
    if (!last) throw new Error('cannot append to an empty block sequence');
    const dash = this.dashBefore(last.range![0]);
    const indent = ' '.repeat(this.columnOf(dash));
    const lines = isObject(value)
      ? renderSequence([value], indent, { ...this.style(), dashGap: this.gapAfter(dash) })
      : [`${indent}- ${renderFlow(value)}`];
    this.insertLinesAfter(last.range![1], lines);
  }

  /** Sets `map[key]` to a sequence holding `value`, or appends `value` to the sequence already there. */
  addToList(map: YAMLMap, key: string, value: YamlValue): void {
    const pair = this.view.pair(map, key);
    const seq = pair ? this.view.seq(pair.value) : undefined;
    if (seq && (seq.items.length > 0 || seq.flow)) this.appendItem(seq, value);
    else if (pair) this.setValue(pair, [value]);
    else this.addPair(map, key, [value]);
  }

  /** Inserts a whole YAML document after the document that ends at `docEnd`. */
  insertDocumentAfter(docEnd: number, lines: string[]): void {
    let prefix = '';
    if (docEnd > 0 && this.text[docEnd - 1] !== '\n') prefix = this.eol;
    this.insert(docEnd, `${prefix}---${this.eol}${lines.join(this.eol)}${this.eol}`);
  }

  /** Inserts a comment line above the line holding `offset`, at that line's indentation. */
  insertCommentAbove(offset: number, comment: string): void {
    const line = this.lines.lineOf(offset);
    const start = this.lines.starts[line]!;
    const indent = /^[ \t]*/.exec(this.lines.lineText(line))![0];
    this.insert(start, `${indent}# ${comment}${this.eol}`);
  }

  /** The indentation unit of the document (the most common step between nested keys), default two spaces. */
  unit(): string {
    if (this.unitCache !== undefined) return this.unitCache;
    const counts = new Map<number, number>();
    const visit = (node: unknown, parentCol: number | undefined, depth: number): void => {
      if (depth > 40) return;
      const n = this.view.deref(node);
      if (isMap(n) && !n.flow) {
        const first = n.items[0] as Pair | undefined;
        const col = first ? this.columnOf((first.key as YamlNode).range![0]) : undefined;
        if (col !== undefined && parentCol !== undefined && col > parentCol) counts.set(col - parentCol, (counts.get(col - parentCol) ?? 0) + 1);
        for (const p of n.items as Pair[]) {
          if (isMap(p.value) || isSeq(p.value)) visit(p.value, this.columnOf((p.key as YamlNode).range![0]), depth + 1);
        }
      } else if (isSeq(n) && !n.flow) {
        for (const item of n.items) if (isMap(item)) visit(item, undefined, depth + 1);
      }
    };
    visit(this.view.doc.contents, undefined, 0);
    let best = 2;
    let bestCount = 0;
    for (const [step, count] of counts) {
      if (step <= 8 && (count > bestCount || (count === bestCount && step < best))) {
        best = step;
        bestCount = count;
      }
    }
    this.unitCache = ' '.repeat(best);
    return this.unitCache;
  }

  /** The file's style for new block structure, read from its existing sequences. */
  style(): Style {
    if (this.styleCache) return this.styleCache;
    const unit = this.unit();
    let seqIndent: string | undefined;
    let dashGap: string | undefined;
    const walk = (node: unknown, keyCol: number | undefined, depth: number): void => {
      if (depth > 40 || (seqIndent !== undefined && dashGap !== undefined)) return;
      const n = this.view.deref(node);
      if (isMap(n) && !n.flow) {
        for (const p of n.items as Pair[]) walk(p.value, this.columnOf((p.key as YamlNode).range![0]), depth + 1);
      } else if (isSeq(n) && !n.flow) {
        const first = n.items[0] as YamlNode | undefined;
        if (first?.range) {
          const dash = this.dashBefore(first.range[0]);
          if (seqIndent === undefined && keyCol !== undefined && dash !== first.range[0] && this.startsLine(dash)) {
            seqIndent = ' '.repeat(Math.max(0, this.columnOf(dash) - keyCol));
          }
          if (dashGap === undefined && isMap(first) && !first.flow && dash !== first.range[0]) dashGap = this.gapAfter(dash);
        }
        for (const item of n.items) walk(item, undefined, depth + 1);
      }
    };
    walk(this.view.doc.contents, undefined, 0);
    this.styleCache = { unit, seqIndent: seqIndent ?? unit, dashGap: dashGap ?? ' ' };
    return this.styleCache;
  }

  /** The white space between a dash and the item after it. */
  private gapAfter(dash: number): string {
    let i = dash + 1;
    while (this.text[i] === ' ') i++;
    const gap = i - dash - 1;
    return ' '.repeat(gap >= 1 && gap <= 8 ? gap : 1);
  }

  columnOf(offset: number): number {
    return this.lines.position(offset).character;
  }

  private startsLine(offset: number): boolean {
    const line = this.lines.lineOf(offset);
    return /^[ \t]*$/.test(this.text.slice(this.lines.starts[line], offset));
  }

  /** The offset of the `- ` that introduces a block sequence item starting at `offset`. */
  private dashBefore(offset: number): number {
    let i = offset - 1;
    while (i >= 0 && (this.text[i] === ' ' || this.text[i] === '\t')) i--;
    return i >= 0 && this.text[i] === '-' ? i : offset;
  }

  /** Inserts lines after the line where `end` falls (end of a node: its last content line). */
  private insertLinesAfter(end: number, lines: string[]): void {
    const lastChar = end > 0 && this.text[end - 1] === '\n' ? end - 1 : end;
    const line = this.lines.lineOf(Math.max(0, Math.min(lastChar, this.text.length)));
    const lineEnd = this.lines.lineEnd(line);
    const hasNewline = lineEnd < this.text.length;
    const next = hasNewline ? (this.lines.starts[line + 1] ?? this.text.length) : this.text.length;
    const depth = lines[0]!.length - lines[0]!.trimStart().length;
    if (hasNewline) this.insert(next, lines.join(this.eol) + this.eol, depth);
    else this.insert(next, this.eol + lines.join(this.eol), depth);
  }

  /** Removes the lines from the one holding `start` to the one holding `end`, newline included. */
  private removeLines(start: number, end: number): void {
    const first = this.lines.lineOf(start);
    const lastChar = end > start && this.text[end - 1] === '\n' ? end - 1 : end;
    const last = this.lines.lineOf(Math.max(start, lastChar));
    const from = this.lines.starts[first]!;
    const hasNext = last + 1 < this.lines.lineCount;
    const to = hasNext ? this.lines.starts[last + 1]! : this.text.length;
    if (!hasNext && from > 0) {
      // The last line of the text: take the newline before it instead.
      const prevEnd = this.lines.lineEnd(first - 1);
      this.replace(prevEnd, to, '');
    } else {
      this.replace(from, to, '');
    }
  }

  /**
   * A block collection loses its last entry: the parent key gets `{}` / `[]` instead of children,
   * on the key's line, after the colon and any anchor or tag (`add: &caps []`). Comment lines
   * between the key and its children stay where they are.
   */
  private replaceBlockWithEmpty(start: number, end: number, empty: string): void {
    const firstLine = this.lines.lineOf(start);
    const before = this.text.slice(this.lines.starts[firstLine], start);
    if (/^[ \t]*$/.test(before)) {
      // Children on their own lines under `key:`: find the key's line above any comment lines.
      let keyLine = firstLine - 1;
      while (keyLine >= 0 && /^[ \t]*(?:#.*)?\r?$/.test(this.lines.lineText(keyLine))) keyLine--;
      if (keyLine >= 0) {
        const lineStart = this.lines.starts[keyLine]!;
        const code = stripComment(this.text.slice(lineStart, this.lines.lineEnd(keyLine))).replace(/\s+$/, '');
        // `key:`, `key: &anchor`, `key: !!tag`, `- key: &anchor !tag`
        if (/:(?:[ \t]+[&!][^\s,\[\]{}]*)*$/.test(code)) {
          this.insert(lineStart + code.length, ` ${empty}`);
          this.removeLines(start, end);
          return;
        }
      }
    }
    this.replace(start, end, empty);
  }

  private insertInEmptyFlow(collection: YAMLMap | YAMLSeq, entry: string): void {
    const [start, end] = collection.range!;
    const close = this.text.lastIndexOf(collection instanceof Object && isMap(collection) ? '}' : ']', end);
    const open = this.text.indexOf(isMap(collection) ? '{' : '[', start);
    if (open < 0 || close < 0) return;
    this.replace(open + 1, close, entry);
  }

  private removeFlowEntry<T>(items: T[], index: number, start: number, end: number, startOf: (t: T) => number, endOf: (t: T) => number): void {
    if (items.length === 1) {
      this.replace(start, end, '');
      return;
    }
    if (index + 1 < items.length) this.replace(start, startOf(items[index + 1]!), '');
    else this.replace(endOf(items[index - 1]!), end, '');
  }
}

/** A line without its comment (a `#` that starts the line or follows white space, outside quotes). */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) {
      return line.slice(0, i);
    }
  }
  return line;
}

function nest(path: readonly string[], value: YamlValue): YamlValue {
  let v = value;
  for (let i = path.length - 1; i >= 0; i--) v = { [path[i]!]: v };
  return v;
}

/** Where a pair's text ends: the end of its value, or of its key when the value is empty. */
function pairEnd(pair: Pair): number {
  const value = pair.value as YamlNode | null;
  const key = pair.key as YamlNode;
  if (value?.range && value.range[1] > value.range[0]) return value.range[1];
  return key.range![1];
}

/**
 * Edits in the order they apply, with insertions at the same offset merged into one edit (deeper
 * lines first, otherwise in the order they were made). Editors apply same-position inserts in
 * array order; merging leaves nothing to chance. Throws on overlapping edits.
 */
export function normalizeEdits(edits: readonly TextEdit[]): TextEdit[] {
  const indexed = edits.map((e, i) => ({ e, i }));
  indexed.sort(
    (a, b) => a.e.start - b.e.start || a.e.end - b.e.end || (b.e.depth ?? 0) - (a.e.depth ?? 0) || a.i - b.i,
  );
  const out: TextEdit[] = [];
  const seen = new Set<string>();
  for (const { e } of indexed) {
    const last = out[out.length - 1];
    // The same edit twice (containers sharing a securityContext through an alias or a merge) is one edit.
    const key = `${e.start}:${e.end}:${e.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (last && last.start === last.end && e.start === e.end && last.start === e.start) {
      out[out.length - 1] = { start: last.start, end: last.end, text: last.text + e.text };
      continue;
    }
    if (last && e.start < last.end) throw new Error(`overlapping edits at ${e.start}`);
    out.push({ start: e.start, end: e.end, text: e.text });
  }
  return out;
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = normalizeEdits(edits);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw new Error(`overlapping edits at ${e.start}`);
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}
