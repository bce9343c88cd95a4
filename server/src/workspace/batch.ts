// Many files checked as one workspace, the way the command line and the tests do it: every file
// is read into the index first, then each is analysed against the objects of its scope.
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Analyzer, type AnalyzeOptions, type Finding } from '../engine/analyze.ts';
import { DEFAULT_SETTINGS, type Settings } from '../engine/settings.ts';
import { WorkspaceIndex, type ScopeMode } from './index.ts';

export interface BatchFile {
  path: string;
  text: string;
}

const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;

/**
 * Lints `files` as one workspace whose folders are `roots` (files outside every root are their
 * own scope). Kustomization files are read for their namespace and not linted as manifests
 * unless they are among the files; pass them along with the manifests.
 */
export function lintWorkspace(
  files: readonly BatchFile[],
  roots: readonly string[],
  settings: Settings = DEFAULT_SETTINGS,
  options: AnalyzeOptions & { scope?: ScopeMode } = {},
): Map<string, Finding[]> {
  const index = new WorkspaceIndex([...roots], { scope: options.scope ?? 'directory', exclude: [] });
  for (const f of files) if (KUSTOMIZATION.test(basename(f.path))) index.setKustomizationIfNamed(f.path, f.text);
  const analyzers = new Map<string, { uri: string; analyzer: Analyzer }>();
  const out = new Map<string, Finding[]>();
  // First pass: every file's objects, from the same parse the second pass reuses.
  for (const f of files) {
    const uri = pathToFileURL(f.path).href;
    const analyzer = new Analyzer(options);
    analyzer.run(f.text, settings);
    index.update(uri, analyzer.objects(uri, index.defaultNamespace(uri)), false);
    analyzers.set(f.path, { uri, analyzer });
  }
  for (const f of files) {
    const { uri, analyzer } = analyzers.get(f.path)!;
    const findings = analyzer.run(f.text, settings, null, {
      uri,
      others: index.others(uri),
      defaultNamespace: index.defaultNamespace(uri),
      shared: true,
    });
    out.set(f.path, findings);
  }
  return out;
}
