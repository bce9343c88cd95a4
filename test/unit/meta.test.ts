// The rule library stays consistent: rule files, the index, fixtures and docs match one to one.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../server/src/rules/index.ts';
import { expectedDocs } from '../../scripts/gen-docs.ts';
import { fixtureIds } from '../support/fixtures.ts';
import { formatMessage } from '../../server/src/engine/rule.ts';

const ROOT = join(__dirname, '..', '..');
const ruleFiles = readdirSync(join(ROOT, 'server', 'src', 'rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const ids = RULES.map((r) => r.meta.id);

describe('rule library', () => {
  it('has one index entry per rule file, and ids equal file names', () => {
    assert.deepEqual([...ids].sort(), ruleFiles);
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids in the index');
  });

  it('has one fixture per rule', () => {
    assert.deepEqual(fixtureIds(), [...ids].sort());
  });

  it('has an up-to-date docs page per rule (run `npm run docs` when this fails)', () => {
    for (const [file, text] of expectedDocs()) {
      assert.ok(existsSync(file), `missing ${file}`);
      assert.equal(readFileSync(file, 'utf8'), text, `stale ${file}`);
    }
    const pages = readdirSync(join(ROOT, 'docs', 'rules')).sort();
    assert.deepEqual(pages, ids.map((id) => `${id}.md`).sort());
  });

  it('has complete metadata and messages that use only known placeholders', () => {
    for (const { meta } of RULES) {
      assert.match(meta.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(meta.title.length >= 5, `${meta.id}: title too short`);
      for (const field of ['title', 'description', 'remediation'] as const) {
        if (field !== 'title') assert.ok(meta[field].length >= 20, `${meta.id}: ${field} too short`);
        assert.ok(!/\s$/.test(meta[field]), `${meta.id}: ${field} ends with white space`);
      }
      assert.ok(Object.keys(meta.messages).length > 0, `${meta.id}: no messages`);
      for (const [key, template] of Object.entries(meta.messages)) {
        // Every message ends a sentence, and names no placeholder twice in different spellings.
        if (!/^\{\{\w+\}\}$/.test(template)) assert.match(template, /[.)]$/, `${meta.id}.${key} should end with a full stop`);
        const filled = formatMessage(template, new Proxy({}, { get: () => 'X' }) as Record<string, string>);
        assert.ok(!filled.includes('{{'), `${meta.id}.${key} has an unclosed placeholder`);
      }
    }
  });

  it('turns only restricted-profile rules off with the baseline profile', () => {
    const restricted = RULES.filter((r) => r.meta.pss === 'restricted').map((r) => r.meta.id).sort();
    assert.deepEqual(restricted, [
      'allow-privilege-escalation',
      'capabilities-add-restricted',
      'capabilities-drop-all',
      'restricted-volume-types',
      'root-group',
      'run-as-non-root',
      'run-as-root-user',
      'seccomp-profile-required',
    ]);
  });
});
