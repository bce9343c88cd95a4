// The KubeGuard language server. The transport comes from the command line: `--stdio` for
// editors such as Neovim, `--node-ipc` when VS Code starts it.
import {
  createConnection,
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { DocumentStore } from './lsp/documents.ts';
import { onRuleCrash } from './engine/analyze.ts';
import { DiagnosticsService } from './lsp/diagnostics.ts';
import { hoverFor } from './lsp/hover.ts';
import { codeActions, FIX_ALL_KIND } from './lsp/codeActions.ts';
import { snippetCompletions, type CompletionSupport } from './lsp/completion.ts';
import { SettingsStore } from './lsp/settings.ts';
import { schemas } from './schema/validate.ts';
import { isYamlPath, uriToPath, WorkspaceIndex, type ScopeMode } from './workspace/index.ts';
import { readFile } from 'node:fs/promises';

const connection = createConnection(ProposedFeatures.all);
const documents = new DocumentStore();
const settings = new SettingsStore(connection);
const workspace = new WorkspaceIndex([]);
const diagnostics = new DiagnosticsService(connection, settings, documents, workspace);
let canRegisterConfig = false;
let completionSupport: CompletionSupport = { snippets: false, markdown: false };
let canWatchFiles = false;
let canCreateFiles = false;
let canFollowFolders = false;
let crawlGeneration = 0;

/** Reads the workspace-wide settings: how files are grouped, and what to leave out. */
async function workspaceOptions(): Promise<{ scope: ScopeMode; exclude: string[] }> {
  let raw: Record<string, unknown> = {};
  let filesExclude: Record<string, unknown> = {};
  if (settings.canPull) {
    try {
      const [k, f] = (await connection.workspace.getConfiguration([{ section: 'kubeguard' }, { section: 'files.exclude' }])) as unknown[];
      raw = (k && typeof k === 'object' ? k : {}) as Record<string, unknown>;
      filesExclude = (f && typeof f === 'object' ? f : {}) as Record<string, unknown>;
    } catch {
      // A client that cannot answer keeps the defaults.
    }
  } else {
    raw = settings.globalRaw();
  }
  const exclude = Array.isArray(raw.exclude) ? raw.exclude.filter((x): x is string => typeof x === 'string') : typeof raw.exclude === 'string' ? [raw.exclude] : [];
  for (const [glob, on] of Object.entries(filesExclude)) if (on === true) exclude.push(glob);
  return { scope: raw.workspaceScope === 'workspace' ? 'workspace' : 'directory', exclude };
}

/** Indexes the workspace folders in the background, re-checking open files as scopes fill in. */
function startCrawl(): void {
  const mine = ++crawlGeneration;
  void (async () => {
    workspace.setOptions(await workspaceOptions());
    const started = Date.now();
    const files = await workspace.crawl(
      (scopes) => diagnostics.scheduleScopes(scopes),
      () => mine !== crawlGeneration,
    );
    if (mine === crawlGeneration) {
      const { objects } = workspace.size();
      connection.console.log(`KubeGuard indexed ${files} YAML files (${objects} objects) in ${Date.now() - started} ms.`);
    }
  })().catch((err: unknown) => connection.console.error(`KubeGuard could not index the workspace: ${String(err)}`));
}

// Schemas compile in the background: diagnostics from the other rules are not held up, and the
// open files are checked again once the schemas they need are ready.
schemas().deferCompilation(() => diagnostics.scheduleAll(documents.uris()));

onRuleCrash((ruleId, err) => {
  connection.console.error(`KubeGuard rule ${ruleId} failed: ${err instanceof Error ? err.stack : String(err)}`);
});

connection.onInitialize((params): InitializeResult => {
  const caps = params.capabilities;
  settings.canPull = caps.workspace?.configuration === true;
  canRegisterConfig = caps.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  const item = caps.textDocument?.completion?.completionItem;
  completionSupport = { snippets: item?.snippetSupport === true, markdown: item?.documentationFormat?.includes('markdown') === true };
  canWatchFiles = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  canFollowFolders = caps.workspace?.workspaceFolders === true;
  canCreateFiles =
    caps.workspace?.workspaceEdit?.documentChanges === true && (caps.workspace.workspaceEdit.resourceOperations ?? []).includes('create');
  const folders = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []))
    .map((f) => uriToPath(f.uri))
    .filter((p): p is string => p !== undefined);
  workspace.setFolders(folders);
  const init = params.initializationOptions as { settings?: unknown; snippets?: boolean } | undefined;
  if (init?.settings) settings.setGlobal(init.settings);
  // VS Code has the snippets already (contributes.snippets); other editors get them from here.
  const offerSnippets = init?.snippets !== false;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      ...(offerSnippets ? { completionProvider: { resolveProvider: false } } : {}),
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'kubeguard', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (canRegisterConfig) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'kubeguard' });
  }
  if (canWatchFiles) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*.{yaml,yml}' }, { globPattern: '**/Kustomization' }],
    });
  }
  if (canFollowFolders) {
    // Folders added to or removed from the workspace: index what is new, forget what left.
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = new Set(e.removed.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined));
      const added = e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined);
      const folders = [...workspace.folderList().filter((f) => !removed.has(f)), ...added];
      workspace.setFolders(folders);
      diagnostics.scheduleAll(documents.uris());
      startCrawl();
    });
  }
  startCrawl();
});

connection.onDidChangeWatchedFiles(async (params) => {
  const scopes = new Set<string>();
  for (const change of params.changes) {
    const path = uriToPath(change.uri);
    if (!path) continue;
    const yaml = isYamlPath(path) || path.endsWith('Kustomization');
    if (change.type === FileChangeType.Deleted) {
      // A deleted directory comes as one event: everything indexed under it goes.
      if (!yaml) {
        for (const s of workspace.removeUnder(path)) scopes.add(s);
        continue;
      }
      for (const s of workspace.setKustomizationIfNamed(path, undefined)) scopes.add(s);
      if (workspace.isOpen(change.uri)) continue; // the editor's text wins over the disk's
      const s = workspace.remove(change.uri);
      if (s) scopes.add(s);
      continue;
    }
    if (!yaml || workspace.isExcluded(path)) continue;
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      text = undefined;
    }
    if (text === undefined) continue;
    // A saved kustomization sets the namespaces of its directory, open or not.
    for (const k of workspace.setKustomizationIfNamed(path, text)) scopes.add(k);
    if (workspace.isOpen(change.uri)) continue; // the editor's text wins over the disk's
    const s = workspace.indexText(change.uri, text);
    if (s) scopes.add(s);
  }
  diagnostics.scheduleScopes(scopes);
});

connection.onDidChangeConfiguration((change) => {
  const pushed = (change.settings as { kubeguard?: unknown } | null | undefined)?.kubeguard;
  if (pushed !== undefined) settings.setGlobal(pushed);
  settings.clear();
  diagnostics.scheduleAll(documents.uris());
  void workspaceOptions().then((o) => {
    const before = JSON.stringify(o);
    workspace.setOptions(o);
    if (before !== lastOptions) {
      lastOptions = before;
      startCrawl();
    }
  });
});
let lastOptions = '';

connection.onDidOpenTextDocument((p) => {
  documents.open(p);
  diagnostics.schedule(p.textDocument.uri);
});
connection.onDidChangeTextDocument((p) => {
  documents.change(p);
  diagnostics.schedule(p.textDocument.uri);
});
connection.onDidCloseTextDocument((p) => {
  const uri = p.textDocument.uri;
  documents.close(p);
  settings.forget(uri);
  diagnostics.close(uri);
  // The file on disk is what counts again (an unsaved edit is gone, a new file may not exist).
  const path = uriToPath(uri);
  if (!path || !workspace.shared) {
    diagnostics.scheduleScopes([workspace.remove(uri)].filter((s): s is string => s !== undefined));
    return;
  }
  void readFile(path, 'utf8').then(
    (text) => diagnostics.scheduleScopes([workspace.indexText(uri, text)].filter((s): s is string => s !== undefined)),
    () => diagnostics.scheduleScopes([workspace.remove(uri)].filter((s): s is string => s !== undefined)),
  );
});

connection.onHover((params) => hoverFor(diagnostics.findings(params.textDocument.uri), params.position));

// Snippets for a new object, at the start of an empty document (top of file or after `---`).
connection.onCompletion((params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? snippetCompletions(doc, params.position, completionSupport) : [];
});

connection.onCodeAction(async (params) => {
  const uri = params.textDocument.uri;
  const now = await diagnostics.current(uri);
  const doc = documents.get(uri);
  if (!now || !doc) return [];
  try {
    // A new file outside every workspace folder would not be seen by the index.
    return codeActions(params, doc, now.findings, now.settings, { createFiles: canCreateFiles && workspace.contains(uri) });
  } catch (err) {
    connection.console.error(`KubeGuard code actions failed for ${uri}: ${err instanceof Error ? err.stack : String(err)}`);
    return [];
  }
});

connection.listen();
