// Schema validation: the generated schemas are complete and current, every object we ship or
// use as a passing example is valid, and unknown kinds stay silent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze.ts';
import { normalizeSettings } from '../../server/src/engine/settings.ts';
import { FIXTURE_DIR, loadFixture, parseCaretCode } from '../support/fixtures.ts';
import { schemas, closest, distance } from '../../server/src/schema/validate.ts';
import { yamlFiles } from '../support/corpus.ts';

const ROOT = join(__dirname, '..', '..');
const settings = normalizeSettings({});

function schemaFindings(text: string): string[] {
  return analyze(text, settings, { only: ['schema-validation'] }).map((f) => `${f.start.line + 1}:${f.start.character + 1} ${f.message}`);
}

describe('schema validation', () => {
  it('every manifest under examples/ is valid', () => {
    const files = yamlFiles(join(ROOT, 'examples'));
    assert.ok(files.length > 0);
    for (const file of files) assert.deepEqual(schemaFindings(readFileSync(file, 'utf8')), [], file);
  });

  it('every valid case of every rule fixture is a valid object', () => {
    let checked = 0;
    const bad: string[] = [];
    for (const f of readdirSync(FIXTURE_DIR).filter((x) => x.endsWith('.yaml'))) {
      const id = f.replace(/\.yaml$/, '');
      if (id === 'yaml-syntax') continue;
      for (const c of loadFixture(id).valid) {
        const { text } = parseCaretCode(c.code);
        for (const f of schemaFindings(text)) bad.push(`${id}: valid case "${c.name}": ${f}`);
        checked++;
      }
    }
    assert.deepEqual(bad, []);
    assert.ok(checked > 300, `only ${checked} cases checked`);
  });

  it('has a schema for the kinds users write most, and records its sources', () => {
    const s = schemas();
    for (const [v, k] of [
      ['v1', 'Pod'], ['apps/v1', 'Deployment'], ['batch/v1', 'CronJob'], ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['networking.istio.io/v1', 'VirtualService'], ['networking.istio.io/v1beta1', 'DestinationRule'], ['networking.istio.io/v1alpha3', 'Gateway'],
      ['security.istio.io/v1', 'PeerAuthentication'], ['security.istio.io/v1beta1', 'AuthorizationPolicy'],
      ['keda.sh/v1alpha1', 'ScaledObject'], ['keda.sh/v1alpha1', 'TriggerAuthentication'], ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
    ] as const) {
      assert.ok(s.validator(v, k), `${v} ${k}`);
    }
    assert.equal(s.validator('cert-manager.io/v1', 'Certificate'), undefined);
    assert.deepEqual(Object.keys(s.sources()).sort(), ['gateway-api', 'istio', 'keda', 'kubernetes']);
    assert.equal(s.sources().kubernetes, '1.34');
  });

  it('suggests the closest field name only when it is close', () => {
    assert.equal(closest('runAsNonroot', ['runAsNonRoot', 'runAsUser']), 'runAsNonRoot');
    assert.equal(closest('lables', ['labels', 'annotations']), 'labels');
    assert.equal(closest('minReplicas', ['minReplicaCount', 'maxReplicaCount']), 'minReplicaCount');
    assert.equal(closest('foo', ['labels', 'annotations']), undefined);
    assert.equal(closest('nodeSelectorTerms', ['nodeSelector', 'nodeName']), undefined);
    assert.equal(distance('kitten', 'sitting'), 3);
    assert.equal(distance('', 'abc'), 3);
  });

  it('gives up quietly on an object too big to convert (alias bomb)', () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: bomb', 'data:', '  a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    let prev = 'a';
    for (let i = 0; i < 9; i++) {
      const name = `l${i}`;
      lines.push(`  ${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
      prev = name;
    }
    const started = Date.now();
    analyze(lines.join('\n'), settings, { only: ['schema-validation'] });
    assert.ok(Date.now() - started < 5000);
  });
});
