// The snippets in snippets/kubernetes.code-snippets start users off secure: each one, expanded
// with its defaults, parses, passes schema validation and gets no KubeGuard finding at the default
// settings. Also: the snippet expander follows VS Code's grammar, every snippet is well formed and
// indented like the rest, and the README and package.json list them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isMap } from 'yaml';
import { analyze, type Finding } from '../../server/src/engine/analyze.ts';
import { lintWorkspace } from '../../server/src/workspace/batch.ts';
import { normalizeSettings } from '../../server/src/engine/settings.ts';
import { parseDocuments } from '../../server/src/yaml/parse.ts';
import { schemas } from '../../server/src/schema/validate.ts';
import {
  expandSnippet,
  isSnippetPosition,
  loadSnippets,
  parseSnippet,
  SnippetSyntaxError,
  snippetFilePath,
  SNIPPET_FILE,
} from '../../server/src/lsp/completion.ts';

const ROOT = join(__dirname, '..', '..');
const FILE = join(ROOT, 'snippets', SNIPPET_FILE);
const raw = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, { scope?: unknown; prefix?: unknown; description?: unknown; body?: unknown }>;
const snippets = loadSnippets();

describe('snippet expander', () => {
  const vars = (name: string): string | undefined => ({ TM_FILENAME_BASE: 'payments' })[name];

  it('fills tab stops with their defaults, mirrors and choices', () => {
    assert.equal(expandSnippet('name: ${1:app}\nlabel: $1', vars), 'name: app\nlabel: app');
    // A mirror before the placeholder that defines the value takes it too.
    assert.equal(expandSnippet('a: $1 b: ${1:x} c: ${1}', vars), 'a: x b: x c: x');
    assert.equal(expandSnippet('mode: ${2|STRICT,PERMISSIVE|}\nagain: $2', vars), 'mode: STRICT\nagain: STRICT');
    assert.equal(expandSnippet('empty: $3 end$0', vars), 'empty:  end');
    assert.equal(expandSnippet('x: ${0:last}', vars), 'x: last');
  });

  it('expands nested placeholders and placeholders that refer to other tab stops', () => {
    assert.equal(expandSnippet('${1:outer ${2:inner} tail} / $2', vars), 'outer inner tail / inner');
    assert.equal(expandSnippet('issuer: ${3:https://id.example.com}\njwks: ${4:$3/keys}', vars), 'issuer: https://id.example.com\njwks: https://id.example.com/keys');
  });

  it('substitutes variables, with their default or their name when unknown', () => {
    assert.equal(expandSnippet('name: $TM_FILENAME_BASE ${TM_FILENAME_BASE}', vars), 'name: payments payments');
    assert.equal(expandSnippet('name: ${1:$TM_FILENAME_BASE}-svc', vars), 'name: payments-svc');
    assert.equal(expandSnippet('x: ${NOT_KNOWN:fallback} ${NOT_KNOWN}', vars), 'x: fallback NOT_KNOWN');
    // The default resolver gives fixed test values.
    assert.equal(expandSnippet('$TM_FILENAME_BASE'), 'app');
  });

  it('honours escapes and keeps a lone $ or backslash as text', () => {
    assert.equal(expandSnippet('cost: \\$5 and \\} and \\\\', vars), 'cost: $5 and } and \\');
    assert.equal(expandSnippet('${1:a \\} b}', vars), 'a } b');
    assert.equal(expandSnippet('${1|a\\,b,c|}', vars), 'a,b');
    assert.equal(expandSnippet('price: $ ${ x \\n $-', vars), 'price: $ ${ x \\n $-');
    assert.equal(expandSnippet('query: sum(x{a="b"}[2m])', vars), 'query: sum(x{a="b"}[2m])');
  });

  it('reports what it does not support', () => {
    assert.throws(() => parseSnippet('${1/(.*)/${1:/upcase}/}'), SnippetSyntaxError);
    assert.throws(() => parseSnippet('${1:unclosed'), SnippetSyntaxError);
  });
});

describe('where snippets are offered', () => {
  const at = (text: string): boolean => {
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('|'));
    return isSnippetPosition(text.replace('|', ''), { line, character: lines[line]!.indexOf('|') });
  };

  it('at the start of an empty file or document, with the prefix being typed', () => {
    assert.equal(at('|'), true);
    assert.equal(at('kg-dep|'), true);
    assert.equal(at('# a comment\n\n|'), true);
    assert.equal(at('kind: A\n---\n|'), true);
    assert.equal(at('kind: A\n--- # next\n# about B\n\nkg|'), true);
    assert.equal(at('kind: A\n...\n|'), true);
    assert.equal(at('%YAML 1.2\n---\n|'), true);
  });

  it('not inside a document, after other text on the line, or indented', () => {
    assert.equal(at('kind: A\n|'), false);
    assert.equal(at('kind: A\n---\nkind: B\n\n|'), false);
    assert.equal(at('--- {a: 1}\n|'), false);
    assert.equal(at('kind: |'), false);
    assert.equal(at('  |'), false);
    assert.equal(at('kg|-x'), false);
  });
});

describe('snippet file', () => {
  it('is found beside the sources and holds VS Code snippets for YAML', () => {
    assert.equal(snippetFilePath(), FILE);
    const entries = Object.entries(raw);
    assert.ok(entries.length >= 30, `only ${entries.length} snippets`);
    assert.equal(snippets.length, entries.length, 'one prefix per snippet');
    for (const [name, s] of entries) {
      assert.equal(s.scope, 'yaml', `${name}: scope`);
      assert.equal(typeof s.prefix, 'string', `${name}: prefix`);
      assert.ok(Array.isArray(s.body) && s.body.every((l) => typeof l === 'string'), `${name}: body is a list of lines`);
    }
  });

  it('gives every snippet a unique prefix in the kg- scheme and a description', () => {
    const seen = new Set<string>();
    for (const s of snippets) {
      assert.match(s.prefix, /^kg-[a-z0-9]+(-[a-z0-9]+)*$/, s.name);
      assert.ok(!seen.has(s.prefix), `duplicate prefix ${s.prefix}`);
      seen.add(s.prefix);
      assert.ok(s.description.length >= 60, `${s.prefix}: describe what it creates and its secure defaults`);
      assert.match(s.description, /^\S.*\.$/, `${s.prefix}: the description is a sentence, ending with a full stop`);
    }
  });

  it('indents every body like the rest: two spaces per level, lists indented under their key', () => {
    for (const s of snippets) {
      const lines = s.body.split('\n');
      assert.match(lines[0]!, /^apiVersion: /, `${s.prefix}: starts with apiVersion`);
      const content = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.trim() !== '' && !/^\s*#/.test(l));
      content.forEach(({ l, i }, k) => {
        const where = `${s.prefix} line ${i + 1}: ${JSON.stringify(l)}`;
        assert.ok(!/\t/.test(l), `${where}: tab`);
        assert.ok(!/\s$/.test(l), `${where}: trailing white space`);
        const indent = /^ */.exec(l)![0].length;
        assert.equal(indent % 2, 0, `${where}: odd indentation`);
        if (l === '---') {
          assert.match(content[k + 1]?.l ?? '', /^apiVersion: /, `${where}: every document starts with apiVersion`);
        }
        // A key that opens a block (`key:` with nothing after it) has its content one level deeper,
        // list items included; a list item's own keys line up after its `- `.
        const next = content[k + 1]?.l;
        if (next !== undefined && /:$/.test(l)) {
          const keyIndent = indent + (/^ *- /.test(l) ? 2 : 0);
          assert.equal(/^ */.exec(next)![0].length, keyIndent + 2, `${where}: the next line should be indented by two more spaces`);
        }
      });
    }
  });
});

describe('every snippet, expanded with its defaults', () => {
  const settings = normalizeSettings({});
  for (const s of snippets) {
    it(`${s.prefix}: parses, passes schema validation and has no finding`, () => {
      const text = `${expandSnippet(s.body)}\n`;
      assert.ok(!/\$\{|\$\d/.test(text), 'a tab stop is left in the text');
      const docs = parseDocuments(text);
      assert.ok(docs.length >= 1);
      for (const doc of docs) {
        assert.deepEqual(doc.errors.map((e) => e.message), [], 'YAML errors');
        assert.deepEqual(doc.warnings.map((e) => e.message), [], 'YAML warnings');
        assert.ok(isMap(doc.contents), 'each document is an object');
        const obj = doc.toJS() as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
        assert.equal(typeof obj.apiVersion, 'string');
        assert.equal(typeof obj.kind, 'string');
        assert.equal(typeof obj.metadata?.name, 'string', 'every object is named');
        // Zero findings includes schema-validation only when the kind has a schema.
        assert.ok(schemas().hasSchema(obj.apiVersion as string, obj.kind as string), `no schema for ${String(obj.apiVersion)} ${String(obj.kind)}`);
      }
      const show = (f: Finding) => `${f.start.line + 1}:${f.start.character + 1} ${f.severity} [${f.ruleId}] ${f.message}`;
      assert.deepEqual(analyze(text, settings).map(show), [], `findings in the expanded snippet:\n${text}`);
      // Also as a file of a workspace, where the rules that look for companions in other files
      // (a PodDisruptionBudget, a ServiceAccount, a target) speak up.
      const path = join(ROOT, 'snippet-check', 'app', 'manifest.yaml');
      const inWorkspace = lintWorkspace([{ path, text }], [join(ROOT, 'snippet-check')], settings).get(path) ?? [];
      assert.deepEqual(inWorkspace.map(show), [], `findings in the expanded snippet, in a workspace:\n${text}`);
    });
  }
});

describe('where the snippets are listed', () => {
  it('package.json contributes the file for YAML', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { snippets?: { language: string; path: string }[] } };
    assert.deepEqual(pkg.contributes.snippets, [{ language: 'yaml', path: `./snippets/${SNIPPET_FILE}` }]);
  });

  it('the README lists every prefix in its Snippets section, and no other', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Snippets\n');
    assert.ok(start >= 0, 'README has a "## Snippets" section');
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    const listed = [...section.matchAll(/^\| `(kg-[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...listed].sort(), snippets.map((s) => s.prefix).sort());
  });
});
