// What the runner (outside the editor) tells the extension-host suite to expect. Every list is
// computed by the shipped CLI; see lib/expect.ts.

export interface Anchor {
  file: string;
  ruleId: string;
  key: string;
  line: number;
  column: number;
  message: string;
}

export interface Expectations {
  /** publisher.name of the extension under test. */
  extensionId: string;
  /** Per workspace YAML file: finding keys with default settings. */
  files: Record<string, string[]>;
  /** The finding that the hover, settings and quick-fix tests look at (worker.yaml). */
  anchor: Anchor;
  /** Keys for the anchor's file with `kubeguard.profile: baseline`. */
  baseline: string[];
  /** Keys for the anchor's file with `kubeguard.rules: {<anchor rule>: off}`. */
  anchorRuleOff: string[];
  /** A file with no findings, and one edit that must produce exactly `expect`. */
  clean: { file: string; find: string; replace: string; expect: string[] };
}
