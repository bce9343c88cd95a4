// Per-resource settings, fetched from the client once per document and normalised once.
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, normalizeSettings, type Settings } from '../engine/settings.ts';

export class SettingsStore {
  private cache = new Map<string, Promise<Settings>>();
  /** Settings pushed by clients that cannot answer workspace/configuration. */
  private global: Settings = DEFAULT_SETTINGS;
  canPull = false;

  constructor(private readonly connection: Connection) {}

  private raw: Record<string, unknown> = {};

  setGlobal(raw: unknown): void {
    this.raw = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    this.global = normalizeSettings(raw);
  }

  /** The settings a push-only client sent, as sent (for the workspace-wide ones). */
  globalRaw(): Record<string, unknown> {
    return this.raw;
  }

  get(uri: string): Promise<Settings> {
    if (!this.canPull) return Promise.resolve(this.global);
    let p = this.cache.get(uri);
    if (!p) {
      p = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'kubeguard' })
        .then((raw) => normalizeSettings(raw ?? {}))
        .catch(() => this.global);
      this.cache.set(uri, p);
    }
    return p;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }
}
