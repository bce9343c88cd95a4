// Where each rule's documentation page lives. The pages ship with the extension and the CLI
// (docs/rules/<id>.md beside dist/), so a link works offline and matches the installed version.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

let docsDir: string | undefined | null = null;

function findDocsDir(): string | undefined {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'docs', 'rules');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The rule's documentation page as a file URL, or undefined when the pages are not installed. */
const urls = new Map<string, string | undefined>();

export function ruleDocUrl(ruleId: string): string | undefined {
  if (urls.has(ruleId)) return urls.get(ruleId);
  if (docsDir === null) docsDir = findDocsDir();
  const url = docsDir ? pathToFileURL(join(docsDir, `${ruleId}.md`)).href : undefined;
  urls.set(ruleId, url);
  return url;
}
