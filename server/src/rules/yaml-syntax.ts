import type { YAMLError } from 'yaml';
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
    messages: { syntax: '{{detail}}' },
  },
});

export default yamlSyntaxRule;

const CONSEQUENCE = 'kubectl and other tools reject the file until it is fixed.';

/** Plain-words text for a parser error. */
export function describeSyntaxError(err: YAMLError, text: string): string {
  const raw = err.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  switch (err.code) {
    case 'DUPLICATE_KEY': {
      const key = text.slice(err.pos[0], err.pos[1]).trim() || 'this key';
      return `Duplicate key "${key}" in the same mapping: only one of the two values survives, and which one depends on the tool that reads the file. Remove or rename one of them.`;
    }
    case 'TAB_AS_INDENT':
      return `A tab is used for indentation, which YAML does not allow; ${CONSEQUENCE} Indent with spaces.`;
    case 'BAD_INDENT':
      return `Bad indentation: ${lowerFirst(raw)}. ${cap(CONSEQUENCE)} Line this up with its siblings.`;
    case 'MISSING_CHAR':
      return `Missing character: ${lowerFirst(raw)}. ${cap(CONSEQUENCE)}`;
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY':
      return `${raw}. This usually means a missing \`:\` or a line indented too far; ${CONSEQUENCE}`;
    case 'BAD_ALIAS':
      return `${raw}: an alias (\`*name\`) must refer to an anchor (\`&name\`) defined earlier in the same document. ${cap(CONSEQUENCE)}`;
    case 'RESOURCE_EXHAUSTION':
      return `${raw}: the aliases in this document expand to too much data (an "alias bomb"). ${cap(CONSEQUENCE)}`;
    default:
      return `YAML syntax error: ${lowerFirst(raw)}. ${cap(CONSEQUENCE)}`;
  }
}

function lowerFirst(s: string): string {
  return s.length > 1 && /[A-Z][a-z]/.test(s.slice(0, 2)) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}
