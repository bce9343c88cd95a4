// UI smoke test: what a user sees. Installs the .vsix into code-server (VS Code 1.100's web
// workbench), opens a manifest in Debian's Chromium through playwright-core, and checks the
// squiggle, the Problems panel row and the hover, with a screenshot per step in
// test/e2e/.out/screenshots/ui-*.png. Loopback only: any other request is aborted and reported.
//
// The selectors are VS Code's internal DOM classes, pinned by pinning code-server; the
// extension-host suite checks the same behaviour through the stable API.
import { mkdtempSync, rmSync, unlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { Checks, errorText } from '../lib/checks.ts';
import { installVsix, launchChromium, makeProfile, startCodeServer } from '../lib/code-server.ts';
import { ensureDir, envMs, packageJson, screenshotDir, unpackedExtension, vsixPath } from '../lib/env.ts';
import { ANCHOR, lint, makeWorkspace, type CliFinding } from '../lib/expect.ts';

const WAIT_MS = envMs('KUBEGUARD_E2E_UI_WAIT_MS', 30_000);
const checks = new Checks('UI smoke: code-server + Chromium (playwright-core)');

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The text as drawn, including CSS ::before/::after content: VS Code draws the parentheses of
 * `kubeguard(rule-id)` with CSS, so innerText alone reads `kubeguard rule-id`. Built with
 * new Function because the page-side code needs DOM types this Node-only project does not load.
 */
const renderedTextFn = new Function('root', `
  const out = [];
  const pseudo = (el, which) => {
    const c = getComputedStyle(el, which).content;
    if (c && c !== 'none' && c !== 'normal' && c.startsWith('"')) out.push(JSON.parse(c));
  };
  const walk = (n) => {
    if (n.nodeType === 3) { out.push(n.textContent); return; }
    if (n.nodeType !== 1) return;
    pseudo(n, '::before');
    for (const c of n.childNodes) walk(c);
    pseudo(n, '::after');
  };
  walk(root);
  return out.join(' ');
`) as (root: unknown) => string;

/** True once the element is fully faded in (the hover animates its opacity). */
const opaqueFn = new Function('el', 'return getComputedStyle(el).opacity === "1";') as (el: unknown) => boolean;

async function waitOpaque(l: Locator, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await l.evaluate(opaqueFn))) {
    if (Date.now() > deadline) throw new Error('the hover did not finish fading in');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function renderedText(l: Locator): Promise<string> {
  return norm(await l.evaluate(renderedTextFn)).replace(/\( /g, '(').replace(/ \)/g, ')').replace(/ \(/g, '(');
}

async function main(): Promise<void> {
  ensureDir(screenshotDir);
  for (const f of readdirSync(screenshotDir)) if (f.startsWith('ui-')) unlinkSync(join(screenshotDir, f));
  const run = mkdtempSync(join(tmpdir(), 'kubeguard-ui-'));
  const ws = ensureDir(join(run, 'workspace'));
  makeWorkspace(ws);
  const profile = makeProfile(run);
  const pkg = packageJson();

  // What the user must see, from the shipped CLI.
  const finding: CliFinding | undefined = lint(join(unpackedExtension, 'dist', 'cli.js'), join(ws, ANCHOR.file)).find((f) => f.ruleId === ANCHOR.ruleId);
  if (!checks.check(`the CLI reports ${ANCHOR.ruleId} in ${ANCHOR.file}`, !!finding, finding ? `line ${finding.line}, column ${finding.column}` : 'the smoke test relies on it')) return;
  const f = finding!;

  if (!(await checks.attempt('code-server --install-extension <vsix>', () => installVsix(profile, vsixPath())))) return;
  checks.check('installed under the extensions dir', readdirSync(profile.extensionsDir).some((d) => d.startsWith(`${pkg.publisher}.${pkg.name}-${pkg.version}`)), readdirSync(profile.extensionsDir).join(', '));

  const server = await startCodeServer(profile, ws, join(run, 'code-server.log'));
  const browser = await launchChromium(join(run, 'chromium'));
  const blocked = new Set<string>();
  let page: Page | undefined;
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if (['127.0.0.1', 'localhost'].includes(u.hostname) || ['data:', 'blob:'].includes(u.protocol)) return route.continue();
      blocked.add(u.origin);
      return route.abort();
    });
    page = await context.newPage();
    const p = page;
    const shot = (name: string) => p.screenshot({ path: join(screenshotDir, `ui-${name}.png`) });

    const ok = await checks.attempt('workbench loads with the workspace', async () => {
      await p.goto(`${server.url}?folder=${encodeURIComponent(ws)}`);
      await p.locator('.monaco-workbench').waitFor({ timeout: WAIT_MS });
      await p.locator('.explorer-folders-view .monaco-list-row', { hasText: ANCHOR.file }).waitFor({ timeout: WAIT_MS });
      await shot('01-workbench');
    });
    if (!ok) return;

    const editor = p.locator('.editor-instance .monaco-editor').first();
    const anchorLine = async (): Promise<Locator> => {
      const line = editor.locator('.view-line', { hasText: 'privileged: true' }).first();
      await line.waitFor({ timeout: WAIT_MS });
      return line;
    };
    if (!(await checks.attempt(`open ${ANCHOR.file} with Quick Open`, async () => {
      await p.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
      await p.keyboard.press('Control+P');
      await p.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: WAIT_MS });
      await p.keyboard.type(ANCHOR.file);
      await p.locator('.quick-input-list .monaco-list-row', { hasText: ANCHOR.file }).first().waitFor({ timeout: WAIT_MS });
      await p.keyboard.press('Enter');
      await anchorLine();
      await shot('02-manifest-open');
    }))) return;

    const squiggleBox = await checks.step(`error squiggle on line ${f.line} (privileged: true)`, async () => {
      // Monaco draws the squiggle in an overlay layer; match it to the text line by position.
      await editor.locator('.squiggly-error').first().waitFor({ timeout: WAIT_MS });
      const lineBox = (await (await anchorLine()).boundingBox())!;
      const boxes = (await editor.locator('.squiggly-error').all()).map((s) => s.boundingBox());
      const onLine = (await Promise.all(boxes)).filter((b) => b && Math.abs(b.y + b.height / 2 - (lineBox.y + lineBox.height / 2)) < lineBox.height / 2);
      if (!onLine.length) throw new Error(`no .squiggly-error on the line of "privileged: true" (y=${lineBox.y})`);
      await shot('03-squiggle');
      return onLine[0]!;
    });

    await checks.attempt(`Problems panel lists kubeguard(${ANCHOR.ruleId}) at [Ln ${f.line}, Col ${f.column}]`, async () => {
      await p.keyboard.press('Control+Shift+M');
      const row = p.locator('.markers-panel .monaco-list-row', { hasText: ANCHOR.ruleId }).first();
      await row.waitFor({ timeout: WAIT_MS });
      const text = await renderedText(row);
      await shot('04-problems-panel');
      for (const part of [`kubeguard(${ANCHOR.ruleId})`, `[Ln ${f.line}, Col ${f.column}]`, norm(f.message)]) {
        if (!text.includes(part)) throw new Error(`the row lacks "${part}"; it reads: ${text}`);
      }
      // The rule id links to the rule's page inside the installed extension.
      const href = (await row.locator('a.monaco-link').first().getAttribute('href')) ?? '';
      if (!href.endsWith(`/docs/rules/${ANCHOR.ruleId}.md`)) throw new Error(`rule link is "${href}"`);
      console.log(`        row: ${text.slice(-90)}`);
    });

    if (squiggleBox) {
      await checks.attempt('hover on the squiggle explains the finding', async () => {
        // The Problems panel shrank the editor; find the squiggle again before hovering it.
        await p.keyboard.press('Escape');
        const lineBox = (await (await anchorLine()).boundingBox())!;
        const squiggles = await editor.locator('.squiggly-error').all();
        let target: { x: number; y: number } | undefined;
        for (const s of squiggles) {
          const b = await s.boundingBox();
          if (b && Math.abs(b.y + b.height / 2 - (lineBox.y + lineBox.height / 2)) < lineBox.height / 2) target = { x: b.x + Math.min(8, b.width / 2), y: lineBox.y + lineBox.height / 2 };
        }
        if (!target) throw new Error('squiggle not found again');
        await p.mouse.move(target.x, target.y);
        const hover = p.locator('.monaco-hover', { hasText: ANCHOR.ruleId }).first();
        await hover.waitFor({ state: 'visible', timeout: WAIT_MS });
        // The marker part and the server's explanation render separately; wait for both.
        await hover.locator('.rendered-markdown', { hasText: 'How to fix' }).first().waitFor({ timeout: WAIT_MS });
        const text = await renderedText(hover);
        await waitOpaque(hover, WAIT_MS);
        await shot('05-hover');
        for (const part of [`kubeguard(${ANCHOR.ruleId})`, norm(f.message), 'Why it matters.', 'How to fix.']) {
          if (!text.includes(part)) throw new Error(`the hover lacks "${part}"; it reads: ${text.slice(0, 400)}`);
        }
      });
    }
  } catch (err) {
    checks.fail('UI scenario', errorText(err));
  } finally {
    if (checks.failed && page) await page.screenshot({ path: join(screenshotDir, 'ui-99-failure.png') }).catch(() => {});
    console.log(`  blocked non-loopback requests: ${[...blocked].join(', ') || 'none'}`);
    checks.check('no request left 127.0.0.1', blocked.size === 0, [...blocked].join(', ') || undefined);
    await browser.close().catch(() => {});
    await server.stop();
    if (!checks.failed && !process.env.E2E_KEEP) rmSync(run, { recursive: true, force: true });
    else console.log(`  code-server log and state kept in ${run}`);
  }
}

main()
  .catch((err) => checks.fail('UI smoke test', errorText(err)))
  .finally(() => checks.finish());
