// The KubeGuard language server. The transport comes from the command line: `--stdio` for
// editors such as Neovim, `--node-ipc` when VS Code starts it.
import {
  createConnection,
  CodeActionKind,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { DocumentStore } from './lsp/documents.ts';
import { onRuleCrash } from './engine/analyze.ts';
import { DiagnosticsService } from './lsp/diagnostics.ts';
import { hoverFor } from './lsp/hover.ts';
import { codeActions, FIX_ALL_KIND } from './lsp/codeActions.ts';
import { SettingsStore } from './lsp/settings.ts';
import { schemas } from './schema/validate.ts';

const connection = createConnection(ProposedFeatures.all);
const documents = new DocumentStore();
const settings = new SettingsStore(connection);
const diagnostics = new DiagnosticsService(connection, settings, documents);
let canRegisterConfig = false;

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
  const init = params.initializationOptions as { settings?: unknown } | undefined;
  if (init?.settings) settings.setGlobal(init.settings);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
    },
    serverInfo: { name: 'kubeguard', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (canRegisterConfig) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'kubeguard' });
  }
});

connection.onDidChangeConfiguration((change) => {
  const pushed = (change.settings as { kubeguard?: unknown } | null | undefined)?.kubeguard;
  if (pushed !== undefined) settings.setGlobal(pushed);
  settings.clear();
  diagnostics.scheduleAll(documents.uris());
});

connection.onDidOpenTextDocument((p) => {
  documents.open(p);
  diagnostics.schedule(p.textDocument.uri);
});
connection.onDidChangeTextDocument((p) => {
  documents.change(p);
  diagnostics.schedule(p.textDocument.uri);
});
connection.onDidCloseTextDocument((p) => {
  documents.close(p);
  settings.forget(p.textDocument.uri);
  diagnostics.close(p.textDocument.uri);
});

connection.onHover((params) => hoverFor(diagnostics.findings(params.textDocument.uri), params.position));

connection.onCodeAction(async (params) => {
  const uri = params.textDocument.uri;
  const now = await diagnostics.current(uri);
  const doc = documents.get(uri);
  if (!now || !doc) return [];
  try {
    return codeActions(params, doc, now.findings, now.settings);
  } catch (err) {
    connection.console.error(`KubeGuard code actions failed for ${uri}: ${err instanceof Error ? err.stack : String(err)}`);
    return [];
  }
});

connection.listen();
