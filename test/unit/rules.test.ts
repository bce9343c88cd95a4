// The fixture runner: every rule against its own fixture file, one rule reported at a time
// (the others stay on, so overlapping rules defer exactly as in a full run).
// RULE=<id> runs one rule; UPDATE_FIXTURES=1 rewrites the expected findings for review in the diff.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/engine/analyze.ts';
import { normalizeSettings } from '../../server/src/engine/settings.ts';
import {
  findingKey,
  fixtureIds,
  loadFixture,
  parseCaretCode,
  toExpected,
  updateFixtureText,
} from '../support/fixtures.ts';

const only = process.env.RULE;
const ids = fixtureIds().filter((id) => !only || id === only);

function run(ruleId: string, text: string, settings: unknown) {
  return analyze(text, normalizeSettings(settings ?? {}), { only: [ruleId] }).map(toExpected);
}

if (process.env.UPDATE_FIXTURES) {
  for (const id of ids) {
    const file = loadFixture(id).file;
    const source = readFileSync(file, 'utf8');
    const next = updateFixtureText(source, (text, settings) => run(id, text, settings));
    if (next !== source) writeFileSync(file, next);
  }
}

for (const id of ids) {
  const fixture = loadFixture(id);
  describe(`rule ${id}`, () => {
    for (const c of fixture.valid) {
      it(`valid: ${c.name}`, () => {
        const { text, expected } = parseCaretCode(c.code);
        assert.equal(expected.length, 0, 'a valid case must not carry caret lines');
        assert.deepEqual(run(id, text, c.settings).map(findingKey), []);
        if (id !== 'yaml-syntax') assertParses(text);
      });
    }
    for (const c of fixture.invalid) {
      it(`invalid: ${c.name}`, () => {
        const { text, expected } = parseCaretCode(c.code);
        assert.ok(expected.length > 0, 'an invalid case must expect at least one finding');
        for (const e of expected) assert.equal(e.ruleId, id, `caret line names ${e.ruleId}, not ${id}`);
        const actual = run(id, text, c.settings).map(findingKey).sort();
        assert.deepEqual(actual, expected.map(findingKey).sort());
        if (id !== 'yaml-syntax') assertParses(text);
      });
    }
  });
}

/** A fixture manifest must be valid YAML, or its findings prove nothing about the rule. */
function assertParses(text: string): void {
  const syntax = analyze(text, normalizeSettings({}), { only: ['yaml-syntax'] });
  assert.deepEqual(syntax.map((f) => `${f.start.line + 1}: ${f.message}`), [], 'fixture manifest has YAML errors');
}
