import { isAlias, visit, type Alias, type Document, type YAMLError } from 'yaml';
import { defineRule } from '../engine/rule.ts';

/** The parser's own findings. The engine reports them; this file holds the metadata and the wording. */
export const yamlSyntaxRule = defineRule({
  meta: {
    id: 'yaml-syntax',
    title: 'YAML syntax error',
    category: 'syntax',
    severity: 'error',
    target: 'file',
    description:
      'A manifest that is not valid YAML cannot be applied: kubectl, Helm, Kustomize and Argo CD all refuse it, and a duplicate key silently drops one of its values in tools that do accept it.',
    remediation: 'Fix the text at the underlined spot; the message says what the parser expected.',
    messages: {
      syntax: '{{detail}}',
      alias:
        'The alias `*{{name}}` refers to no anchor `&{{name}}` defined before it in this document; kubectl and other tools reject the file until it is fixed. Define the anchor above the alias (anchors do not carry across `---`), or write the value out.',
    },
  },
  // The parser accepts an alias to an anchor that does not exist (it only fails when the value is
  // read), so the engine never sees it as an error; it is reported here, for each object.
  check(ctx) {
    // No `*` in the text, no alias: skip walking the whole document.
    if (!ctx.source.includes('*')) return;
    const r = ctx.resource;
    const range = r.root.range;
    for (const alias of unresolvedAliases(r.view.doc)) {
      const at = alias.range?.[0];
      if (range && (at === undefined || at < range[0] || at >= range[1])) continue;
      ctx.report({ at: alias, messageId: 'alias', data: { name: alias.source } });
    }
  },
});

export default yamlSyntaxRule;

const unresolved = new WeakMap<Document, Alias[]>();

/** Aliases with no anchor of their name earlier in the document (the order `Alias.resolve` uses). */
function unresolvedAliases(doc: Document): Alias[] {
  let out = unresolved.get(doc);
  if (out) return out;
  const found: Alias[] = [];
  const anchors = new Set<string>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) found.push(node);
      } else if (node.anchor) {
        anchors.add(node.anchor);
      }
    },
  });
  out = found;
  unresolved.set(doc, out);
  return out;
}

const CONSEQUENCE = 'kubectl and other tools reject the file until it is fixed.';
const CONSEQUENCE_SENTENCE = 'Until it is fixed, kubectl and other tools reject the file.';

/** Plain-words text for a parser error. */
export function describeSyntaxError(err: YAMLError, text: string): string {
  const raw = err.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  switch (err.code) {
    case 'DUPLICATE_KEY': {
      const [start, end] = keyRange(text, err.pos[0]);
      const key = text.slice(start, end).trim() || 'this key';
      return `Duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`} in the same mapping: only one of the two values survives, and which one depends on the tool that reads the file. Remove or rename one of them.`;
    }
    case 'TAB_AS_INDENT':
      return `A tab is used for indentation, which YAML does not allow; ${CONSEQUENCE} Indent with spaces.`;
    case 'BAD_INDENT': {
      // "Flow map in block collection must be sufficiently indented and end with a }"
      const flow = /^Flow (map|sequence) in block collection .*end with an? ([}\]])$/.exec(raw);
      if (flow) {
        const open = flow[2] === '}' ? '{' : '[';
        return `A flow ${flow[1]} opened with \`${open}\` above is not closed with \`${flow[2]}\` before this line (or a line inside it is not indented enough). ${CONSEQUENCE_SENTENCE} Add the missing \`${flow[2]}\`.`;
      }
      return `Bad indentation: ${lowerFirst(raw)}. ${CONSEQUENCE_SENTENCE} Line this up with its siblings.`;
    }
    case 'MISSING_CHAR':
      if (/^Sequence item without - indicator/.test(raw)) {
        return `This line is indented less than the lines above it but more than their list, so YAML reads it as a list item without a \`-\`. ${CONSEQUENCE_SENTENCE} Line it up with the keys above it, or start a new item with \`- \`.`;
      }
      return `Missing character: ${lowerFirst(raw)}. ${CONSEQUENCE_SENTENCE}`;
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY':
      return `${raw}. This usually means a missing \`:\` or a line indented too far; ${CONSEQUENCE}`;
    case 'BAD_ALIAS':
      return `${raw}: an alias (\`*name\`) must refer to an anchor (\`&name\`) defined earlier in the same document. ${CONSEQUENCE_SENTENCE}`;
    case 'RESOURCE_EXHAUSTION':
      return `${raw}: the aliases in this document expand to too much data (an "alias bomb"). ${CONSEQUENCE_SENTENCE}`;
    default:
      return `YAML syntax error: ${lowerFirst(raw)}. ${CONSEQUENCE_SENTENCE}`;
  }
}

/**
 * The extent of the mapping key that starts at `offset` (the parser points at its first
 * character only): a quoted key to its closing quote, a plain key up to the `:` that ends it.
 */
export function keyRange(text: string, offset: number): [number, number] {
  const lineEnd = text.indexOf('\n', offset);
  const rest = text.slice(offset, lineEnd < 0 ? text.length : lineEnd);
  const m = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s:,[\]{}#][^,[\]{}#]*?(?=\s*:(?:\s|$)))/.exec(rest);
  return [offset, offset + (m ? m[0].length : Math.min(1, rest.length))];
}

function lowerFirst(s: string): string {
  return s.length > 1 && /[A-Z][a-z]/.test(s.slice(0, 2)) ? s[0]!.toLowerCase() + s.slice(1) : s;
}
