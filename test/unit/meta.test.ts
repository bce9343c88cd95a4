// The rule library stays consistent: rule files, the index, fixtures and docs match one to one.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../server/src/rules/index.ts';
import { expectedDocs } from '../../scripts/gen-docs.ts';
import { fixtureIds } from '../support/fixtures.ts';
import { formatMessage } from '../../server/src/engine/rule.ts';
import { CATALOG_IDS, EXTRA_RULES, NOT_IMPLEMENTED } from '../../scripts/catalog.ts';
import { PEERS } from '../../scripts/peers.ts';

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

describe('rule catalog', () => {
  const catalog = new Set(CATALOG_IDS);
  const rules = new Set(ids);

  it('lists each id once, in the rule id format', () => {
    assert.equal(catalog.size, CATALOG_IDS.length, 'duplicate ids in CATALOG_IDS');
    for (const id of CATALOG_IDS) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('has every catalog id either implemented or listed as not implemented yet, never both', () => {
    for (const id of CATALOG_IDS) {
      const implemented = rules.has(id);
      const pending = Object.hasOwn(NOT_IMPLEMENTED, id);
      assert.ok(implemented || pending, `catalog id ${id} is neither a rule nor listed in NOT_IMPLEMENTED (scripts/catalog.ts)`);
      assert.ok(!(implemented && pending), `${id} is a rule now: remove it from NOT_IMPLEMENTED (scripts/catalog.ts)`);
    }
    for (const id of Object.keys(NOT_IMPLEMENTED)) {
      assert.ok(catalog.has(id), `NOT_IMPLEMENTED lists ${id}, which is not a catalog id`);
      assert.ok(NOT_IMPLEMENTED[id]!.reason.length >= 20, `${id}: give the reason it is not implemented`);
    }
  });

  it('lists every rule beyond the catalog as deliberately extra', () => {
    for (const id of ids) {
      if (!catalog.has(id)) assert.ok(Object.hasOwn(EXTRA_RULES, id), `rule ${id} is not in CATALOG_IDS: add it there or to EXTRA_RULES (scripts/catalog.ts)`);
    }
    for (const [id, why] of Object.entries(EXTRA_RULES)) {
      assert.ok(rules.has(id), `EXTRA_RULES lists ${id}, which is not a rule`);
      assert.ok(!catalog.has(id), `EXTRA_RULES lists ${id}, which is a catalog id`);
      assert.ok(why.length >= 20, `${id}: say why the rule exists beyond the catalog`);
    }
  });

  it('maps exactly the rules to their equivalents in other linters', () => {
    for (const key of Object.keys(PEERS)) assert.ok(rules.has(key), `PEERS (scripts/peers.ts) has an entry for ${key}, which is not a rule id`);
    for (const id of ids) {
      assert.ok(Object.hasOwn(PEERS, id), `PEERS (scripts/peers.ts) has no entry for rule ${id}: list its equivalents in other linters, or [] when none`);
    }
    for (const [id, checks] of Object.entries(PEERS)) {
      const seen = new Set<string>();
      for (const c of checks) {
        assert.match(c.check, /^\S+$/, `${id}: peer check name "${c.check}"`);
        const key = `${c.tool} ${c.check}`;
        assert.ok(!seen.has(key), `${id}: ${key} listed twice`);
        seen.add(key);
        if (c.note !== undefined) assert.ok(c.note.length > 0 && !/[.\s]$/.test(c.note), `${id}: ${key} note should be a phrase without a full stop`);
      }
    }
  });
});
