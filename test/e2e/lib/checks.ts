// A tiny reporter shared by the drivers that are not mocha suites: named checks, one line each,
// and a last line `N passed, N failed` that scripts/e2e/run.sh adds up.

export class Checks {
  passed = 0;
  failed = 0;
  readonly failures: string[] = [];
  private readonly t0 = Date.now();

  constructor(readonly suite: string) {
    console.log(`# ${suite}`);
  }

  pass(name: string, detail?: string): void {
    this.passed++;
    console.log(`  ok    ${name}${detail ? `  (${detail})` : ''}`);
  }

  fail(name: string, detail?: string): void {
    detail = detail?.replace(/\u001b\[[0-9;]*m/g, '');
    this.failed++;
    this.failures.push(name);
    console.log(`  FAIL  ${name}${detail ? `\n        ${detail.replace(/\n/g, '\n        ')}` : ''}`);
  }

  check(name: string, ok: boolean, detail?: string): boolean {
    if (ok) this.pass(name, detail);
    else this.fail(name, detail);
    return ok;
  }

  /** Runs one step; an exception fails it (with its message) instead of ending the suite. */
  async step<T>(name: string, fn: () => Promise<T> | T): Promise<T | undefined> {
    const t = Date.now();
    try {
      const value = await fn();
      this.pass(name, `${Date.now() - t} ms`);
      return value;
    } catch (err) {
      this.fail(name, err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  /** Like step(), for steps without a result: true when it passed. */
  async attempt(name: string, fn: () => Promise<unknown> | unknown): Promise<boolean> {
    const failedBefore = this.failed;
    await this.step(name, fn);
    return this.failed === failedBefore;
  }

  /** Prints the summary; sets the exit code. */
  finish(): void {
    if (this.failed) console.log(`# ${this.suite}: failed: ${this.failures.join('; ')}`);
    console.log(`# ${this.suite}: ${((Date.now() - this.t0) / 1000).toFixed(1)} s`);
    console.log(`${this.passed} passed, ${this.failed} failed`);
    process.exitCode = this.failed ? 1 : 0;
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
