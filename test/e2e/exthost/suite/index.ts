// The extensionTestsPath module: VS Code's extension host calls run() once the extension under
// test is loaded. It runs the mocha suite and writes a results file for the runner outside.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface SuiteResults {
  passed: number;
  failed: number;
  skipped: number;
  failures: { title: string; error: string }[];
  skips: string[];
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.addFile(join(__dirname, 'kubeguard.test.js'));
  const results: SuiteResults = { passed: 0, failed: 0, skipped: 0, failures: [], skips: [] };
  const resultsFile = process.env.KUBEGUARD_E2E_RESULTS;
  return new Promise((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        if (resultsFile) writeFileSync(resultsFile, JSON.stringify(results, null, 2));
        console.log(`${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`);
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err);
      return;
    }
    runner.on('pass', () => results.passed++);
    runner.on('fail', (test, err: Error) => {
      results.failed++;
      results.failures.push({ title: test.fullTitle(), error: err?.stack || String(err) });
    });
    runner.on('pending', (test) => {
      results.skipped++;
      results.skips.push(test.fullTitle());
    });
  });
}
