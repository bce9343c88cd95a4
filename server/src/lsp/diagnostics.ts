// Documents to diagnostics. Each open document keeps its own Analyzer, so an edit re-checks only
// the YAML documents it touched. Work for a document is coalesced: several changes that arrive
// before the engine runs cost one analysis, and a stale result is never published.
import type { Connection } from 'vscode-languageserver';
import type { DocumentStore } from './documents.ts';
import { Analyzer, type Finding } from '../engine/analyze.ts';
import { toDiagnostic, SOURCE } from './convert.ts';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { severityRank, type Settings } from '../engine/settings.ts';
import type { SettingsStore } from './settings.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { WorkspaceInput } from '../engine/analyze.ts';
import { schemas } from '../schema/validate.ts';

interface DocState {
  analyzer: Analyzer;
  findings: Finding[];
  version: number;
  /** The settings the findings were computed with (a change of settings re-runs the analysis). */
  settings?: Settings;
  /** The generation of the workspace scope the findings were computed against. */
  generation: number;
  /** How many schema compilations had finished (schema problems found before that are incomplete). */
  schemaGeneration: number;
  scheduled: boolean;
}

export class DiagnosticsService {
  private docs = new Map<string, DocState>();

  constructor(
    private readonly connection: Connection,
    private readonly settings: SettingsStore,
    private readonly documents: DocumentStore,
    private readonly workspace?: WorkspaceIndex,
  ) {}

  /** The rest of the workspace for `uri`, as the index sees it now. */
  private input(uri: string): WorkspaceInput {
    const ws = this.workspace;
    if (!ws) return { uri, others: [], shared: false };
    // A file outside every workspace folder is checked on its own.
    return { uri, others: ws.others(uri), defaultNamespace: ws.defaultNamespace(uri), shared: ws.shared && ws.contains(uri) };
  }

  /** Whether other files or newly compiled schemas changed what this document's findings would be. */
  private stale(uri: string, state: DocState): boolean {
    return state.generation !== this.generation(uri) || state.schemaGeneration !== schemas().generation;
  }

  private generation(uri: string): number {
    return this.workspace ? this.workspace.generation(this.workspace.scopeOf(uri)) : 0;
  }

  /** Hands the objects of an analysed document to the index, and re-checks the files that see them. */
  private publishObjects(uri: string, state: DocState): void {
    const ws = this.workspace;
    if (!ws) return;
    state.generation = ws.generation(ws.scopeOf(uri));
    // Without a workspace folder no other file looks at this one's objects.
    if (!ws.shared) return;
    const scope = ws.update(uri, state.analyzer.objects(uri, ws.defaultNamespace(uri)), true);
    state.generation = ws.generation(ws.scopeOf(uri));
    if (this.takeRescoped()) return;
    if (!scope) return;
    for (const other of ws.openFilesIn(scope)) if (other !== uri) this.schedule(other);
  }

  /** After files moved between scopes, every open file is checked again (its scope may be new). */
  private takeRescoped(): boolean {
    if (!this.workspace?.rescoped) return false;
    this.workspace.rescoped = false;
    this.scheduleAll(this.documents.uris());
    return true;
  }

  /** Re-checks the open files of the given scopes (after files on disk changed). */
  scheduleScopes(scopes: Iterable<string>): void {
    if (!this.workspace) return;
    if (this.takeRescoped()) return;
    for (const scope of scopes) for (const uri of this.workspace.openFilesIn(scope)) this.schedule(uri);
  }

  findings(uri: string): readonly Finding[] {
    return this.docs.get(uri)?.findings ?? [];
  }

  /**
   * Findings for the document as it is now: a code action request can arrive before the
   * scheduled analysis of the last edit has run, and must not offer edits for an older text.
   */
  async current(uri: string): Promise<{ findings: readonly Finding[]; settings: Settings } | undefined> {
    const settings = await this.settings.get(uri);
    const doc = this.documents.get(uri);
    let state = this.docs.get(uri);
    if (!doc) return undefined;
    if (!state) {
      state = { analyzer: new Analyzer(), findings: [], version: -1, generation: -1, schemaGeneration: -1, scheduled: false };
      this.docs.set(uri, state);
    }
    if (state.version !== doc.version || state.settings !== settings || this.stale(uri, state)) {
      const taken = this.documents.take(uri)!;
      try {
        state.findings = state.analyzer.run(taken.text, settings, taken.window, this.input(uri));
      } catch {
        state.analyzer = new Analyzer();
        state.findings = state.analyzer.run(taken.text, settings, undefined, this.input(uri));
      }
      state.version = taken.version;
      state.settings = settings;
      state.schemaGeneration = schemas().generation;
      this.publishObjects(uri, state);
    }
    return { findings: state.findings, settings };
  }

  schedule(uri: string): void {
    let state = this.docs.get(uri);
    if (!state) {
      state = { analyzer: new Analyzer(), findings: [], version: -1, generation: -1, schemaGeneration: -1, scheduled: false };
      this.docs.set(uri, state);
    }
    if (state.scheduled) return;
    state.scheduled = true;
    setImmediate(() => void this.validate(uri));
  }

  scheduleAll(uris: Iterable<string>): void {
    for (const uri of uris) this.schedule(uri);
  }

  close(uri: string): void {
    this.docs.delete(uri);
    this.workspace?.setClosed(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async validate(uri: string): Promise<void> {
    const state = this.docs.get(uri);
    if (!state) return;
    state.scheduled = false;
    const settings = await this.settings.get(uri);
    if (this.docs.get(uri) !== state) return;
    const current = this.documents.get(uri);
    if (!current) return;
    // A code action request may have analysed this version already.
    if (state.version !== current.version || state.settings !== settings || this.stale(uri, state)) {
      const doc = this.documents.take(uri)!;
      try {
        state.schemaGeneration = schemas().generation;
        state.findings = state.analyzer.run(doc.text, settings, doc.window, this.input(uri));
        this.publishObjects(uri, state);
      } catch (err) {
        this.connection.console.error(`KubeGuard could not check ${uri}: ${err instanceof Error ? err.stack : String(err)}`);
        // Start the next analysis from scratch rather than from a state that failed half-way.
        state.analyzer = new Analyzer();
        state.findings = [];
      }
      state.version = doc.version;
      state.settings = settings;
    }
    await this.connection.sendDiagnostics({ uri, version: state.version, diagnostics: limit(state.findings, settings.maxProblems, uri) });
    // Schemas this analysis needed compile now, after the diagnostics went out.
    schemas().compileSoon();
  }
}

/** Findings of unchanged documents are the same objects from one run to the next; so are their diagnostics. */
const converted = new WeakMap<Finding, { line: number; diagnostic: Diagnostic }>();
function cachedDiagnostic(f: Finding, uri: string): Diagnostic {
  const key = f.base ?? f;
  let entry = converted.get(key);
  if (!entry || entry.line !== f.start.line) {
    entry = { line: f.start.line, diagnostic: toDiagnostic(f, uri) };
    converted.set(key, entry);
  }
  return entry.diagnostic;
}

/**
 * At most `max` diagnostics, the most severe first (in file order within a severity), plus a
 * notice that says how many were left out. Tens of thousands of squiggles help nobody and
 * slow every editor down.
 */
export function limit(findings: readonly Finding[], max: number, uri = ''): Diagnostic[] {
  if (findings.length <= max) return findings.map((f) => cachedDiagnostic(f, uri));
  const kept = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.i - b.i)
    .slice(0, max)
    .sort((a, b) => a.i - b.i)
    .map(({ f }) => cachedDiagnostic(f, uri));
  kept.push({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    message: `KubeGuard shows ${max} of the ${findings.length} problems in this file, the most severe first. Raise \`kubeguard.maxProblems\` to see more, or run \`kubeguard lint\` on the file for the full list.`,
  });
  return kept;
}
