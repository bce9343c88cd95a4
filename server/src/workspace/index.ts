// The workspace index: every Kubernetes object in the YAML files of the workspace folders, by
// file and by scope. A scope is the set of files whose objects see each other: by default the
// files under one top-level directory of a workspace folder (so overlays/dev and overlays/prod do
// not mix), or the whole folder. Open documents are fed in by the diagnostics service; the rest
// is read from disk in the background and kept current through file-watch events.
import { promises as fs } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import { Analyzer } from '../engine/analyze.ts';
import { effectiveNamespace, type WorkspaceObject } from './objects.ts';

export type ScopeMode = 'directory' | 'workspace';

export interface IndexOptions {
  scope: ScopeMode;
  /** Globs (relative to a workspace folder) of files and folders to leave out. */
  exclude: readonly string[];
}

interface FileEntry {
  /** The normalized URI (the key). */
  uri: string;
  /** The URI as the editor spells it, for an open document. */
  clientUri: string;
  scope: string;
  dir: string;
  objects: WorkspaceObject[];
  open: boolean;
}

const SKIP_DIRS = new Set(['node_modules', '.git']);
const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * One spelling per file: editors escape URIs differently (`c%3A`, `%40`), and the crawl makes
 * its own from paths. The index keys files by this form.
 */
export function normalizeUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return pathToFileURL(fileURLToPath(uri)).href;
  } catch {
    return uri;
  }
}

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

/** The namespace a kustomization.yaml sets for its resources, if any. */
export function kustomizationNamespace(text: string): string | undefined {
  try {
    const doc = parseYaml(text, { maxAliasCount: 100 }) as unknown;
    const ns = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).namespace : undefined;
    return typeof ns === 'string' && ns !== '' ? ns : undefined;
  } catch {
    return undefined;
  }
}

/** Whether other files see the same thing in two objects (positions aside). */
function sameContent(a: WorkspaceObject, b: WorkspaceObject): boolean {
  if (a === b) return true;
  if (a.apiVersion !== b.apiVersion || a.kind !== b.kind || a.name !== b.name || a.ownNamespace !== b.ownNamespace || a.namespace !== b.namespace) return false;
  // The data of an unchanged YAML document is the same object from one analysis to the next.
  return a.data === b.data || JSON.stringify(a.data) === JSON.stringify(b.data);
}

/** Whether an edit changed what other files can see; if not, they are not checked again. */
function sameObjects(a: readonly WorkspaceObject[], b: readonly WorkspaceObject[]): boolean {
  return a.length === b.length && a.every((o, i) => sameContent(o, b[i]!));
}

export class WorkspaceIndex {
  private files = new Map<string, FileEntry>();
  /** Directory (fs path) → the namespace its kustomization sets. */
  private kustomize = new Map<string, string | undefined>();
  private generations = new Map<string, number>();
  private viewCache = new Map<string, { generation: number; others: WorkspaceObject[] }>();
  private excludeMatcher: ((path: string) => boolean) | undefined;
  private dirObjects = new Map<string, number>();
  private rescopeNeeded = false;

  constructor(
    private folders: string[],
    private options: IndexOptions = { scope: 'directory', exclude: [] },
  ) {
    this.compileExclude();
  }

  /** Whether any workspace folder is known (the editor opened a folder, or the CLI got paths). */
  get shared(): boolean {
    return this.folders.length > 0;
  }

  setFolders(folders: string[]): void {
    this.folders = folders;
    // Files of a folder that left the workspace leave the index (open ones stay, checked alone).
    for (const e of [...this.files.values()]) {
      const path = uriToPath(e.uri);
      if (!e.open && path && !this.folderOf(path)) this.remove(e.uri);
    }
    this.rescope();
  }

  folderList(): string[] {
    return [...this.folders];
  }

  setOptions(options: IndexOptions): void {
    const changed = options.scope !== this.options.scope || options.exclude.join('\n') !== this.options.exclude.join('\n');
    this.options = options;
    if (!changed) return;
    this.compileExclude();
    // Files that are excluded now leave the index.
    for (const e of [...this.files.values()]) {
      const path = uriToPath(e.uri);
      if (path && this.isExcluded(path)) this.remove(e.uri);
    }
    this.rescope();
  }

  private compileExclude(): void {
    const globs = this.options.exclude.filter((g) => g.trim() !== '');
    if (globs.length === 0) {
      this.excludeMatcher = undefined;
      return;
    }
    const m = picomatch(globs.flatMap((g) => [g, `${g}/**`]), { dot: true });
    this.excludeMatcher = (rel) => m(rel);
  }

  /** The folder a path belongs to (the innermost one), or undefined. */
  private folderOf(path: string): string | undefined {
    let best: string | undefined;
    for (const f of this.folders) {
      const rel = relative(f, path);
      if (rel.startsWith('..') || rel === '' || isAbsolute(rel)) continue;
      if (!best || f.length > best.length) best = f;
    }
    return best;
  }

  /** Whether a file is inside one of the workspace folders. */
  contains(uri: string): boolean {
    const path = uriToPath(uri);
    return path !== undefined && this.folderOf(path) !== undefined;
  }

  isExcluded(path: string): boolean {
    const folder = this.folderOf(path);
    if (!folder) return false;
    const rel = relative(folder, path).split(sep).join('/');
    if (rel.split('/').some((part) => SKIP_DIRS.has(part))) return true;
    return this.excludeMatcher?.(rel) ?? false;
  }

  /**
   * The scope of a file. With `workspace`, its folder. Otherwise the shallowest directory on its
   * path below the folder that holds Kubernetes objects itself: `orders/` for
   * `orders/deployment.yaml`, but `overlays/dev/` and `overlays/prod/` for the files of two
   * environments when `overlays/` holds none, so they do not mix. Files at the top of the folder
   * are one scope; a file outside every folder is its own.
   */
  scopeOf(uri: string): string {
    const path = uriToPath(uri);
    const folder = path ? this.folderOf(path) : undefined;
    if (!path || !folder) return `file:${uri}`;
    if (this.options.scope === 'workspace') return folder;
    const parts = relative(folder, path).split(sep);
    if (parts.length === 1) return folder;
    let dir = folder;
    for (let i = 0; i < parts.length - 1; i++) {
      dir = join(dir, parts[i]!);
      if ((this.dirObjects.get(dir) ?? 0) > 0) return dir;
    }
    return dir;
  }

  /** Counts objects per directory; a directory that starts or stops holding any re-sorts the scopes. */
  private countDir(dir: string, delta: number): void {
    if (delta === 0 || dir === '') return;
    const before = this.dirObjects.get(dir) ?? 0;
    const after = before + delta;
    if (after <= 0) this.dirObjects.delete(dir);
    else this.dirObjects.set(dir, after);
    if ((before > 0) !== (after > 0)) this.rescopeNeeded = true;
  }

  /** The namespace objects without one land in, for a file. */
  defaultNamespace(uri: string): string | undefined {
    const path = uriToPath(uri);
    return path ? this.kustomize.get(dirname(path)) : undefined;
  }

  generation(scope: string): number {
    return this.generations.get(scope) ?? 0;
  }

  /** One counter for every scope: a file that moves to another scope never finds its old number there. */
  private counter = 0;
  /** Set when files moved between scopes; the diagnostics service then re-checks every open file. */
  rescoped = false;

  private bump(scope: string): void {
    this.generations.set(scope, ++this.counter);
  }

  /**
   * Records the objects of a file. Returns the scope whose other files must be checked again,
   * or undefined when nothing they can see changed.
   */
  update(clientUri: string, objects: WorkspaceObject[], open: boolean): string | undefined {
    const uri = normalizeUri(clientUri);
    const path = uriToPath(uri);
    // An excluded file stays out even while it is open.
    if (path && this.isExcluded(path)) return this.remove(uri);
    const dir = path ? dirname(path) : '';
    const before = this.files.get(uri);
    this.countDir(dir, objects.length - (before?.objects.length ?? 0));
    if (this.rescopeNeeded) this.rescope();
    const scope = this.scopeOf(uri);
    this.files.set(uri, { uri, clientUri, scope, dir, objects, open });
    if (before && before.scope === scope && sameObjects(before.objects, objects)) {
      // Positions may have moved: the others' view must point at the new lines, without a re-check.
      this.viewCache.clear();
      return undefined;
    }
    this.bump(scope);
    if (before && before.scope !== scope) this.bump(before.scope);
    return scope;
  }

  /** Forgets every file under a directory (deleted or renamed); returns the scopes they were in. */
  removeUnder(dir: string): string[] {
    const scopes = new Set<string>();
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const e of [...this.files.values()]) {
      const path = uriToPath(e.uri);
      if (!path || !path.startsWith(prefix) || e.open) continue;
      const s = this.remove(e.uri);
      if (s) scopes.add(s);
    }
    for (const d of [...this.kustomize.keys()]) if (d === dir || d.startsWith(prefix)) this.kustomize.delete(d);
    return [...scopes];
  }

  remove(clientUri: string): string | undefined {
    const uri = normalizeUri(clientUri);
    const before = this.files.get(uri);
    if (!before) return undefined;
    this.files.delete(uri);
    this.countDir(before.dir, -before.objects.length);
    if (this.rescopeNeeded) this.rescope();
    this.bump(before.scope);
    return before.scope;
  }

  isOpen(uri: string): boolean {
    return this.files.get(normalizeUri(uri))?.open ?? false;
  }

  setClosed(uri: string): void {
    const e = this.files.get(normalizeUri(uri));
    if (e) e.open = false;
  }

  /** Objects of the other files in `uri`'s scope (cached until the scope changes). */
  others(clientUri: string): WorkspaceObject[] {
    const uri = normalizeUri(clientUri);
    const scope = this.scopeOf(uri);
    const generation = this.generation(scope);
    const cached = this.viewCache.get(uri);
    if (cached && cached.generation === generation) return cached.others;
    const others: WorkspaceObject[] = [];
    for (const e of this.files.values()) {
      if (e.scope !== scope || e.uri === uri) continue;
      for (const o of e.objects) others.push(o);
    }
    this.viewCache.set(uri, { generation, others });
    return others;
  }

  /** Open files in a scope (their diagnostics may depend on the scope's objects). */
  openFilesIn(scope: string): string[] {
    const out: string[] = [];
    for (const e of this.files.values()) if (e.open && e.scope === scope) out.push(e.clientUri);
    return out;
  }

  size(): { files: number; objects: number } {
    let objects = 0;
    for (const e of this.files.values()) objects += e.objects.length;
    return { files: this.files.size, objects };
  }

  /** Re-reads a kustomization file; returns the scopes whose namespaces changed. */
  setKustomization(path: string, text: string | undefined): string[] {
    const dir = dirname(path);
    const ns = text === undefined ? undefined : kustomizationNamespace(text);
    const had = this.kustomize.has(dir);
    if (text === undefined) {
      if (!had) return [];
      this.kustomize.delete(dir);
    } else {
      if (had && this.kustomize.get(dir) === ns) return [];
      this.kustomize.set(dir, ns);
    }
    const scopes = new Set<string>();
    for (const e of this.files.values()) {
      if (e.dir !== dir) continue;
      for (const o of e.objects) o.namespace = effectiveNamespace(o.ownNamespace, ns);
      scopes.add(e.scope);
    }
    for (const s of scopes) this.bump(s);
    return [...scopes];
  }

  /** For a watched-file event: re-reads `path` if it is a kustomization. */
  setKustomizationIfNamed(path: string, text: string | undefined): string[] {
    const name = path.split(sep).pop() ?? '';
    return KUSTOMIZATION.test(name) ? this.setKustomization(path, text) : [];
  }

  /** Re-sorts files into scopes after the folders or the scope setting changed. */
  private rescope(): void {
    this.rescopeNeeded = false;
    this.rescoped = true;
    for (const e of this.files.values()) e.scope = this.scopeOf(e.uri);
    for (const s of new Set([...this.files.values()].map((e) => e.scope))) this.bump(s);
    this.viewCache.clear();
  }

  /** Reads a file from text (not open in the editor) into the index. */
  indexText(uri: string, text: string): string | undefined {
    if (this.isOpen(uri)) return undefined;
    const path = uriToPath(uri) ?? '';
    // Helm chart templates are not YAML until rendered.
    if (/[\\/]templates[\\/]/.test(path) && text.includes('{{')) return this.remove(uri);
    return this.update(uri, objectsOfText(uri, text, this.defaultNamespace(uri)), false);
  }

  /**
   * Walks the workspace folders and indexes every YAML file, yielding to the event loop between
   * files so that open documents keep getting their diagnostics. Returns the number of files.
   */
  async crawl(onBatch?: (scopes: Set<string>) => void, isCancelled: () => boolean = () => false): Promise<number> {
    const found: string[] = [];
    const kustomizations: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const ent of entries) {
        const full = join(dir, ent.name);
        if (ent.isDirectory()) {
          if (SKIP_DIRS.has(ent.name) || this.isExcluded(full)) continue;
          await walk(full);
        } else if (ent.isFile() && isYamlPath(ent.name) && !this.isExcluded(full)) {
          (KUSTOMIZATION.test(ent.name) ? kustomizations : found).push(full);
        } else if (ent.isFile() && ent.name === 'Kustomization') {
          kustomizations.push(full);
        }
      }
    };
    for (const folder of this.folders) await walk(folder);
    // Kustomizations first: they give the namespaces of the files beside them.
    for (const path of kustomizations) {
      const text = await readText(path);
      if (text !== undefined) this.setKustomization(path, text);
    }
    let pending = new Set<string>();
    let count = 0;
    let lastYield = Date.now();
    for (const path of found) {
      if (isCancelled()) break;
      const uri = pathToFileURL(path).href;
      if (this.isOpen(uri)) continue;
      const text = await readText(path);
      if (text === undefined) continue;
      const scope = this.indexText(uri, text);
      if (scope) pending.add(scope);
      count++;
      if (Date.now() - lastYield > 20) {
        if (pending.size > 0) onBatch?.(pending);
        pending = new Set();
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
    if (pending.size > 0) onBatch?.(pending);
    return count;
  }
}

const MAX_FILE_BYTES = 5 * 1024 * 1024;

async function readText(path: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(path);
    if (st.size > MAX_FILE_BYTES) return undefined;
    const text = await fs.readFile(path, 'utf8');
    return text.includes('\u0000') ? undefined : text;
  } catch {
    return undefined;
  }
}

/** The objects of a file's text, without running any rule. */
export function objectsOfText(uri: string, text: string, defaultNamespace: string | undefined): WorkspaceObject[] {
  const a = new Analyzer({ rules: [] });
  a.run(text);
  const objects = a.objects(uri, defaultNamespace);
  // Convert now: the YAML trees go with the analyzer, and the index keeps only the data.
  for (const o of objects) void o.data;
  return objects;
}
