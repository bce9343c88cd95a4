// Engine findings to LSP diagnostics: the one place positions and severities are translated.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { ruleDocUrl } from '../engine/docs.ts';
import type { Finding } from '../engine/analyze.ts';
import type { Severity } from '../engine/rule.ts';

export const SOURCE = 'kubeguard';

export function toSeverity(s: Severity): DiagnosticSeverity {
  return s === 'error' ? DiagnosticSeverity.Error : s === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
}

export interface DiagnosticData {
  ruleId: string;
  /** schema-validation: the JSON Schema keyword that failed (additionalProperties, type, ...). */
  keyword?: string;
}

/** `uri` is the document's own, for related information that points into the same file. */
export function toDiagnostic(f: Finding, uri = ''): Diagnostic {
  const href = ruleDocUrl(f.ruleId);
  const d: Diagnostic = {
    range: { start: f.start, end: f.end },
    severity: toSeverity(f.severity),
    code: f.ruleId,
    source: SOURCE,
    message: f.message,
    data: { ruleId: f.ruleId, ...f.detail } satisfies DiagnosticData,
  };
  if (href) d.codeDescription = { href };
  if (f.related && f.related.length > 0) {
    d.relatedInformation = f.related.map((r) => ({
      location: { uri: r.uri || uri, range: { start: { line: r.line, character: r.character }, end: { line: r.line, character: r.character } } },
      message: r.message,
    }));
  }
  return d;
}
