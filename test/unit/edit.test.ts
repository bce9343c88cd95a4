// EditBuilder: minimal edits that keep everything else byte for byte.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocuments } from '../../server/src/yaml/parse.ts';
import { YamlView, type YAMLMap } from '../../server/src/yaml/nodes.ts';
import { EditBuilder } from '../../server/src/yaml/edit.ts';

/** Runs `edit` on the first document of `text` and returns the edited text. */
function edited(text: string, edit: (b: EditBuilder, v: YamlView, root: YAMLMap) => void, docIndex = 0): string {
  const docs = parseDocuments(text);
  const view = new YamlView(docs[docIndex]!);
  const b = new EditBuilder(text, view);
  edit(b, view, view.map(docs[docIndex]!.contents)!);
  const out = b.apply();
  for (const d of parseDocuments(out)) assert.deepEqual(d.errors.map((e) => e.message), [], `result does not parse:\n${out}`);
  return out;
}

const container = (v: YamlView, root: YAMLMap) => v.map(v.at(root, ['spec', 'containers', 0]))!;

describe('EditBuilder', () => {
  it('adds a key to a block map at the indentation of its keys, creating parent maps', () => {
    const text = 'spec:\n  containers:\n    - name: app\n      image: nginx:1.27\n';
    assert.equal(
      edited(text, (b, v, r) => b.setIn(container(v, r), ['securityContext', 'runAsNonRoot'], true)),
      'spec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        runAsNonRoot: true\n',
    );
  });

  it('keeps a comment on the edited line and after it', () => {
    const text = 'spec:\n  hostNetwork: true # needed by the CNI\n  # the containers\n  containers: []\n';
    assert.equal(
      edited(text, (b, v, r) => b.setValue(v.pair(v.get(r, 'spec'), 'hostNetwork')!, false)),
      'spec:\n  hostNetwork: false # needed by the CNI\n  # the containers\n  containers: []\n',
    );
    assert.equal(
      edited(text, (b, v, r) => b.removePair(v.map(v.get(r, 'spec'))!, v.pair(v.get(r, 'spec'), 'hostNetwork')!)),
      'spec:\n  # the containers\n  containers: []\n',
    );
  });

  it('edits inside flow maps and sequences', () => {
    const text = 'c: {name: app, securityContext: {privileged: true}}\nl: [NET_RAW]\ne: {}\nf: []\n';
    const sc = (v: YamlView, r: YAMLMap) => v.map(v.at(r, ['c', 'securityContext']))!;
    assert.equal(edited(text, (b, v, r) => b.addPair(sc(v, r), 'runAsNonRoot', true)), 'c: {name: app, securityContext: {privileged: true, runAsNonRoot: true}}\nl: [NET_RAW]\ne: {}\nf: []\n');
    assert.equal(edited(text, (b, v, r) => b.removePair(sc(v, r), v.pair(sc(v, r), 'privileged')!)), 'c: {name: app, securityContext: {}}\nl: [NET_RAW]\ne: {}\nf: []\n');
    assert.equal(edited(text, (b, v, r) => b.removePair(v.map(v.get(r, 'c'))!, v.pair(v.get(r, 'c'), 'name')!)), 'c: {securityContext: {privileged: true}}\nl: [NET_RAW]\ne: {}\nf: []\n');
    assert.equal(edited(text, (b, v, r) => b.appendItem(v.seq(v.get(r, 'l'))!, 'ALL')), 'c: {name: app, securityContext: {privileged: true}}\nl: [NET_RAW, ALL]\ne: {}\nf: []\n');
    assert.equal(edited(text, (b, v, r) => b.removeItem(v.seq(v.get(r, 'l'))!, v.seq(v.get(r, 'l'))!.items[0])), 'c: {name: app, securityContext: {privileged: true}}\nl: []\ne: {}\nf: []\n');
    assert.equal(edited(text, (b, v, r) => b.addPair(v.map(v.get(r, 'e'))!, 'type', 'RuntimeDefault')), 'c: {name: app, securityContext: {privileged: true}}\nl: [NET_RAW]\ne: {type: RuntimeDefault}\nf: []\n');
    assert.equal(edited(text, (b, v, r) => b.appendItem(v.seq(v.get(r, 'f'))!, 'ALL')), 'c: {name: app, securityContext: {privileged: true}}\nl: [NET_RAW]\ne: {}\nf: [ALL]\n');
    assert.equal(edited(text, (b, v, r) => b.setIn(v.map(v.get(r, 'c'))!, ['securityContext', 'capabilities', 'drop'], ['ALL'])), 'c: {name: app, securityContext: {privileged: true, capabilities: {drop: [ALL]}}}\nl: [NET_RAW]\ne: {}\nf: []\n');
  });

  it('keeps CRLF line endings', () => {
    const text = 'spec:\r\n  containers:\r\n    - name: app\r\n      image: a:1\r\n';
    assert.equal(
      edited(text, (b, v, r) => b.setIn(container(v, r), ['securityContext', 'allowPrivilegeEscalation'], false)),
      'spec:\r\n  containers:\r\n    - name: app\r\n      image: a:1\r\n      securityContext:\r\n        allowPrivilegeEscalation: false\r\n',
    );
  });

  it('edits one document of several and leaves the others alone', () => {
    const text = 'a: 1\n---\nspec:\n  hostPID: true\n  x: 1\n---\nb: 2\n';
    assert.equal(edited(text, (b, v, r) => b.removePair(v.map(v.get(r, 'spec'))!, v.pair(v.get(r, 'spec'), 'hostPID')!), 1), 'a: 1\n---\nspec:\n  x: 1\n---\nb: 2\n');
  });

  it('replaces a block map with another and keeps the line break before the next key', () => {
    const text = 'spec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n';
    const out = edited(text, (b, v, root) => b.setValue(v.pair(v.get(root, 'spec'), 'selector')!, { app: 'api', tier: 'backend' }));
    assert.equal(out, 'spec:\n  selector:\n    app: api\n    tier: backend\n  ports:\n    - port: 80\n');
  });

  it('adds a key after a block scalar without touching it', () => {
    const text = 'spec:\n  containers:\n    - name: app\n      args:\n        - |\n          line one\n\n          line three\n';
    assert.equal(
      edited(text, (b, v, r) => b.addPair(container(v, r), 'imagePullPolicy', 'Always')),
      'spec:\n  containers:\n    - name: app\n      args:\n        - |\n          line one\n\n          line three\n      imagePullPolicy: Always\n',
    );
    const literal = 'data:\n  script: |\n    echo hi\n  other: x\n';
    assert.equal(edited(literal, (b, v, r) => b.addPair(v.map(v.get(r, 'data'))!, 'more', 'z')), 'data:\n  script: |\n    echo hi\n  other: x\n  more: z\n');
  });

  it('edits through an anchor where the text is', () => {
    const text = 'base: &sc\n  privileged: true\nc:\n  securityContext: *sc\n';
    assert.equal(
      edited(text, (b, v, r) => b.setValue(v.pair(v.get(v.get(r, 'c'), 'securityContext'), 'privileged')!, false)),
      'base: &sc\n  privileged: false\nc:\n  securityContext: *sc\n',
    );
  });

  it('uses the document\'s indentation: four spaces', () => {
    const text = 'spec:\n    containers:\n        -   name: app\n            image: a:1\n';
    assert.equal(
      edited(text, (b, v, r) => b.setIn(container(v, r), ['securityContext', 'seccompProfile', 'type'], 'RuntimeDefault')),
      'spec:\n    containers:\n        -   name: app\n            image: a:1\n            securityContext:\n                seccompProfile:\n                    type: RuntimeDefault\n',
    );
  });

  it('handles sequences not indented under their key', () => {
    const text = 'spec:\n  containers:\n  - name: app\n    ports:\n    - containerPort: 80\n      hostPort: 80\n  - name: side\n';
    assert.equal(
      edited(text, (b, v, r) => {
        const port = v.map(v.at(r, ['spec', 'containers', 0, 'ports', 0]))!;
        b.removePair(port, v.pair(port, 'hostPort')!);
      }),
      'spec:\n  containers:\n  - name: app\n    ports:\n    - containerPort: 80\n  - name: side\n',
    );
    assert.equal(
      edited(text, (b, v, r) => b.appendItem(v.seq(v.at(r, ['spec', 'containers', 0, 'ports']))!, { containerPort: 8080 })),
      'spec:\n  containers:\n  - name: app\n    ports:\n    - containerPort: 80\n      hostPort: 80\n    - containerPort: 8080\n  - name: side\n',
    );
  });

  it('moves the next key up when it removes the first key of a sequence item', () => {
    const text = 'ports:\n  - hostPort: 80\n    containerPort: 80\n';
    assert.equal(edited(text, (b, v, r) => {
      const port = v.map(v.at(r, ['ports', 0]))!;
      b.removePair(port, v.pair(port, 'hostPort')!);
    }), 'ports:\n  - containerPort: 80\n');
  });

  it('writes {} or [] when a block collection loses its last entry', () => {
    const text = 'sc:\n  privileged: true # risky\nadd:\n  - SYS_ADMIN\nz: 1\n';
    assert.equal(edited(text, (b, v, r) => b.removePair(v.map(v.get(r, 'sc'))!, v.pair(v.get(r, 'sc'), 'privileged')!)), 'sc: {}\nadd:\n  - SYS_ADMIN\nz: 1\n');
    assert.equal(edited(text, (b, v, r) => b.removeItem(v.seq(v.get(r, 'add'))!, v.seq(v.get(r, 'add'))!.items[0])), 'sc:\n  privileged: true # risky\nadd: []\nz: 1\n');
  });

  it('fills an empty value and appends at the end of a file without a final newline', () => {
    assert.equal(edited('sc:\nz: 1', (b, v, r) => b.setValue(v.pair(r, 'sc')!, { runAsNonRoot: true })), 'sc:\n  runAsNonRoot: true\nz: 1');
    assert.equal(edited('a:\n  b: 1', (b, v, r) => b.addPair(v.map(v.get(r, 'a'))!, 'c', 2)), 'a:\n  b: 1\n  c: 2');
  });

  it('inserts a document after the current one', () => {
    const text = 'kind: A\n---\nkind: B\n';
    assert.equal(edited(text, (b) => b.insertDocumentAfter(8, ['kind: C'])), 'kind: A\n---\nkind: C\n---\nkind: B\n');
    assert.equal(edited('kind: A', (b) => b.insertDocumentAfter(7, ['kind: C'])), 'kind: A\n---\nkind: C\n');
  });

  it('writes a block under an explicit null, and flow inside a flow map', () => {
    assert.equal(
      edited('c:\n  probe: null\n  x: 1\n', (b, v, r) => b.setValue(v.pair(v.get(r, 'c'), 'probe')!, { tcpSocket: { port: 80 } })),
      'c:\n  probe:\n    tcpSocket:\n      port: 80\n  x: 1\n',
    );
    assert.equal(
      edited('c: [{name: app, probe: , x: 1}]\n', (b, v, r) => b.setValue(v.pair(v.at(r, ['c', 0]), 'probe')!, { tcpSocket: { port: 80 } })),
      'c: [{name: app, probe: {tcpSocket: {port: 80}}, x: 1}]\n',
    );
  });

  it('writes new block sequences the way the file writes its own', () => {
    const unindented = 'spec:\n  rules:\n  - host: a\n';
    assert.equal(
      edited(unindented, (b, v, r) => b.addPair(v.map(v.get(r, 'spec'))!, 'tls', [{ hosts: ['a'], secretName: 'x' }])),
      'spec:\n  rules:\n  - host: a\n  tls:\n  - hosts: [a]\n    secretName: x\n',
    );
    const wide = 'spec:\n    rules:\n        -   host: a\n';
    assert.equal(
      edited(wide, (b, v, r) => b.addPair(v.map(v.get(r, 'spec'))!, 'tls', [{ hosts: ['a'], secretName: 'x' }])),
      'spec:\n    rules:\n        -   host: a\n    tls:\n        -   hosts: [a]\n            secretName: x\n',
    );
  });

  it('removes a merge line rather than leave `<<: {}`', () => {
    const text = 'spec:\n  <<: {hostPID: true}\n  containers: []\n';
    assert.equal(
      edited(text, (b, v, r) => b.removePair(v.map(v.get(r, 'spec'))!, v.pair(v.get(r, 'spec'), 'hostPID')!)),
      'spec:\n  containers: []\n',
    );
  });

  it('adds several pairs in one edit, in an empty flow map too', () => {
    const add = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    assert.equal(edited('sc: {}\n', (b, v, r) => b.addPairs(v.map(v.get(r, 'sc'))!, add)), 'sc: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n');
    assert.equal(edited('sc: {a: 1}\n', (b, v, r) => b.addPairs(v.map(v.get(r, 'sc'))!, add)), 'sc: {a: 1, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n');
    assert.equal(
      edited('sc:\n  a: 1\nz: 1\n', (b, v, r) => b.addPairs(v.map(v.get(r, 'sc'))!, add)),
      'sc:\n  a: 1\n  allowPrivilegeEscalation: false\n  capabilities:\n    drop: [ALL]\nz: 1\n',
    );
    // One insertion, not several at one offset.
    const text = 'sc: {}\n';
    const docs = parseDocuments(text);
    const view = new YamlView(docs[0]!);
    const b = new EditBuilder(text, view);
    b.addPairs(view.map(view.get(view.map(docs[0]!.contents), 'sc'))!, add);
    assert.equal(b.edits.length, 1);
  });

  it('puts {} or [] on the key line after an anchor or a tag, above comment lines', () => {
    const anchored = 'caps:\n  add: &x\n    - SYS_ADMIN\n  drop: [ALL]\n';
    const seq = (v: YamlView, r: YAMLMap) => v.seq(v.at(r, ['caps', 'add']))!;
    assert.equal(edited(anchored, (b, v, r) => b.removeItem(seq(v, r), seq(v, r).items[0])), 'caps:\n  add: &x []\n  drop: [ALL]\n');
    const commented = 'caps:\n  add: # extra powers\n    # for the VPN\n    - NET_ADMIN\n  drop: [ALL]\n';
    assert.equal(
      edited(commented, (b, v, r) => b.removeItem(seq(v, r), seq(v, r).items[0])),
      'caps:\n  add: [] # extra powers\n    # for the VPN\n  drop: [ALL]\n',
    );
    const both = 'sc: &sc !!map\n\n  # risky\n  privileged: true\nz: 1\n';
    assert.equal(edited(both, (b, v, r) => b.removePair(v.map(v.get(r, 'sc'))!, v.pair(v.get(r, 'sc'), 'privileged')!)), 'sc: &sc !!map {}\n\n  # risky\nz: 1\n');
  });

  it('removes list items, and the key with the last one unless the list is shared', () => {
    const text = 'caps:\n  add:\n    - SYS_ADMIN\n  drop: [ALL]\n';
    const caps = (v: YamlView, r: YAMLMap) => v.map(v.get(r, 'caps'))!;
    const remove = (b: EditBuilder, v: YamlView, r: YAMLMap) => {
      const pair = v.pair(caps(v, r), 'add')!;
      b.removeListItems(caps(v, r), pair, v.seq(pair.value)!.items);
    };
    assert.equal(edited(text, remove), 'caps:\n  drop: [ALL]\n');
    assert.equal(edited('caps: {add: [SYS_ADMIN, NET_RAW], drop: [ALL]}\n', remove), 'caps: {drop: [ALL]}\n');
    assert.equal(edited('caps: {add: [SYS_ADMIN]}\n', remove), 'caps: {}\n');
    assert.equal(edited('caps:\n  add: &a [SYS_ADMIN]\n  drop: [ALL]\nother: *a\n', remove), 'caps:\n  add: &a []\n  drop: [ALL]\nother: *a\n');
    assert.equal(edited('l: &a [SYS_ADMIN]\ncaps:\n  add: *a\n  drop: [ALL]\n', remove), 'l: &a []\ncaps:\n  add: *a\n  drop: [ALL]\n');
    // Some items stay: only they go.
    const one = (b: EditBuilder, v: YamlView, r: YAMLMap) => {
      const pair = v.pair(caps(v, r), 'add')!;
      b.removeListItems(caps(v, r), pair, [v.seq(pair.value)!.items[0]]);
    };
    assert.equal(edited('caps:\n  add:\n    - SYS_ADMIN\n    - CHOWN\n', one), 'caps:\n  add:\n    - CHOWN\n');
  });

  it('swaps the only pair of a map for another, whichever edit comes first', () => {
    const caps = (v: YamlView, r: YAMLMap) => v.map(v.get(r, 'caps'))!;
    const removeFirst = (b: EditBuilder, v: YamlView, r: YAMLMap) => {
      b.removePair(caps(v, r), v.pair(caps(v, r), 'add')!);
      b.addPair(caps(v, r), 'drop', ['ALL']);
    };
    const addFirst = (b: EditBuilder, v: YamlView, r: YAMLMap) => {
      b.addPair(caps(v, r), 'drop', ['ALL']);
      b.removePair(caps(v, r), v.pair(caps(v, r), 'add')!);
    };
    for (const edit of [removeFirst, addFirst]) {
      assert.equal(edited('caps:\n  add:\n    - SYS_ADMIN\nz: 1\n', edit), 'caps:\n  drop: [ALL]\nz: 1\n');
      assert.equal(edited('caps: {add: [SYS_ADMIN]}\nz: 1\n', edit), 'caps: {drop: [ALL]}\nz: 1\n');
    }
  });

  it('removes items and rewrites the ones that stay', () => {
    const rewrite = (b: EditBuilder, v: YamlView, r: YAMLMap) => {
      const seq = v.seq(v.get(r, 'add'))!;
      b.removeItems(seq, [seq.items[1]], new Map([[seq.items[0], 'NET_BIND_SERVICE']]));
    };
    assert.equal(edited('add: [CAP_NET_BIND_SERVICE, chown]\n', rewrite), 'add: [NET_BIND_SERVICE]\n');
    assert.equal(edited('add:\n  - "cap_net_bind_service"\n  - chown\n', rewrite), 'add:\n  - NET_BIND_SERVICE\n');
    assert.equal(
      edited('add: [net_bind_service]\n', (b, v, r) => {
        const seq = v.seq(v.get(r, 'add'))!;
        b.removeItems(seq, [], new Map([[seq.items[0], 'NET_BIND_SERVICE']]));
      }),
      'add: [NET_BIND_SERVICE]\n',
    );
  });

  it('replaces a pair with another where it is written', () => {
    const swap = (b: EditBuilder, v: YamlView, r: YAMLMap) => b.replacePair(v.pair(v.get(r, 'caps'), 'add')!, 'drop', ['ALL']);
    assert.equal(edited('caps:\n  add:\n    - SYS_ADMIN\nz: 1\n', swap), 'caps:\n  drop: [ALL]\nz: 1\n');
    assert.equal(edited('caps: {add: [SYS_ADMIN]}\n', swap), 'caps: {drop: [ALL]}\n');
    assert.equal(edited('caps:\n  add: [SYS_ADMIN] # why\n', swap), 'caps:\n  drop: [ALL] # why\n');
  });

  it('renders values that need quotes', () => {
    assert.equal(edited('a: {}\n', (b, v, r) => b.addPair(v.map(v.get(r, 'a'))!, 'x', 'yes')), 'a: {x: "yes"}\n');
    assert.equal(edited('a: {}\n', (b, v, r) => b.addPair(v.map(v.get(r, 'a'))!, 'x', '0.0.0.0/0')), 'a: {x: "0.0.0.0/0"}\n');
  });
});
