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
export function ruleDocUrl(ruleId: string): string | undefined {
  if (docsDir === null) docsDir = findDocsDir();
  if (!docsDir) return undefined;
  return pathToFileURL(join(docsDir, `${ruleId}.md`)).href;
}
