import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where the peer linters' test manifests are, beside the project (absent on a user's machine). */
export const PEER_CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'peers');

/** Every .yaml/.yml file under `dir`, recursively. */
export function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yamlFiles(full, out);
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}
