// The workspace index on its own: scopes, kustomization namespaces, URIs, exclusions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { normalizeUri, objectsOfText, WorkspaceIndex } from '../../server/src/workspace/index.ts';

const ROOT = '/ws';
const uri = (rel: string) => pathToFileURL(join(ROOT, rel)).href;
const POD = (name: string, ns?: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  containers: [{name: a, image: x}]\n`;

function add(index: WorkspaceIndex, rel: string, text: string, open = false): string | undefined {
  return index.update(uri(rel), objectsOfText(uri(rel), text, index.defaultNamespace(uri(rel))), open);
}

describe('workspace index', () => {
  it('puts two environments under a directory without objects into two scopes, and re-sorts when that directory gains one', () => {
    const index = new WorkspaceIndex([ROOT]);
    add(index, 'overlays/dev/a.yaml', POD('a'));
    add(index, 'overlays/prod/b.yaml', POD('b'));
    assert.notEqual(index.scopeOf(uri('overlays/dev/a.yaml')), index.scopeOf(uri('overlays/prod/b.yaml')));
    assert.deepEqual(index.others(uri('overlays/dev/a.yaml')).map((o) => o.name), []);
    index.rescoped = false;
    add(index, 'overlays/common.yaml', POD('c'));
    assert.equal(index.rescoped, true, 'files moved between scopes');
    assert.equal(index.scopeOf(uri('overlays/dev/a.yaml')), index.scopeOf(uri('overlays/prod/b.yaml')));
    assert.deepEqual(index.others(uri('overlays/dev/a.yaml')).map((o) => o.name).sort(), ['b', 'c']);
  });

  it('never gives a scope a generation another scope had (a moved file always sees the change)', () => {
    const index = new WorkspaceIndex([ROOT]);
    add(index, 'a/x.yaml', POD('x'));
    add(index, 'b/y.yaml', POD('y'));
    const ga = index.generation(index.scopeOf(uri('a/x.yaml')));
    const gb = index.generation(index.scopeOf(uri('b/y.yaml')));
    assert.notEqual(ga, gb);
  });

  it('takes namespaces from a kustomization, and keeps them when another file of the directory goes', () => {
    const index = new WorkspaceIndex([ROOT]);
    index.setKustomizationIfNamed(join(ROOT, 'app', 'kustomization.yaml'), 'namespace: shop\nresources: [pod.yaml]\n');
    add(index, 'app/pod.yaml', POD('p'));
    add(index, 'app/old.yaml', POD('o'));
    assert.equal(index.others(uri('app/old.yaml'))[0]!.namespace, 'shop');
    // What the file watcher does for a deleted manifest that is not a kustomization.
    assert.deepEqual(index.setKustomizationIfNamed(join(ROOT, 'app', 'old.yaml'), undefined), []);
    index.remove(uri('app/old.yaml'));
    assert.equal(index.defaultNamespace(uri('app/pod.yaml')), 'shop');
    // The kustomization itself going takes the namespace with it.
    index.setKustomizationIfNamed(join(ROOT, 'app', 'kustomization.yaml'), undefined);
    assert.equal(index.defaultNamespace(uri('app/pod.yaml')), undefined);
  });

  it('knows a file by any spelling of its URI', () => {
    const index = new WorkspaceIndex([ROOT]);
    const crawled = pathToFileURL(join(ROOT, '@team', 'x.yaml')).href;
    const editor = crawled.replace('@', '%40');
    assert.notEqual(crawled, editor);
    assert.equal(normalizeUri(editor), normalizeUri(crawled));
    index.update(crawled, objectsOfText(crawled, POD('x'), undefined), false);
    index.update(editor, objectsOfText(editor, POD('x2'), undefined), true);
    assert.equal(index.size().files, 1);
    assert.equal(index.isOpen(crawled), true);
  });

  it('leaves excluded files out, even when they are opened, and drops them when the setting changes', () => {
    const index = new WorkspaceIndex([ROOT], { scope: 'directory', exclude: ['legacy/**'] });
    add(index, 'legacy/a.yaml', POD('a'), true);
    add(index, 'app/b.yaml', POD('b'));
    assert.equal(index.size().files, 1);
    index.setOptions({ scope: 'directory', exclude: ['legacy/**', 'app/b.yaml'] });
    assert.equal(index.size().files, 0);
  });

  it('forgets everything under a deleted directory', () => {
    const index = new WorkspaceIndex([ROOT]);
    add(index, 'gone/a.yaml', POD('a'));
    add(index, 'gone/sub/b.yaml', POD('b'));
    add(index, 'kept/c.yaml', POD('c'));
    index.removeUnder(join(ROOT, 'gone'));
    assert.equal(index.size().files, 1);
  });

  it('reads only files inside its folders as part of the workspace', () => {
    const index = new WorkspaceIndex([ROOT]);
    assert.equal(index.contains(uri('a/b.yaml')), true);
    assert.equal(index.contains(pathToFileURL('/elsewhere/b.yaml').href), false);
    assert.equal(index.contains('untitled:Untitled-1'), false);
  });
});
