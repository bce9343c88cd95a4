// A minimal LSP client over stdio, written against the protocol (Content-Length framing and
// JSON-RPC 2.0) rather than with the server's own library, so the tests talk to the server the
// way an independent editor does.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

export const SERVER_JS = join(__dirname, '..', '..', 'dist', 'server.js');

type Handler = (params: any) => unknown;

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: any[];
}

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private notificationHandlers = new Map<string, Handler[]>();
  private requestHandlers = new Map<string, Handler>();
  private waiters: { method: string; test: (p: any) => boolean; resolve: (p: any) => void }[] = [];
  readonly stderr: string[] = [];
  exited: Promise<number | null>;

  constructor(args: string[] = ['--stdio'], nodeArgs: string[] = []) {
    this.proc = spawn(process.execPath, [...nodeArgs, SERVER_JS, ...args], { stdio: 'pipe' });
    this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    // Answer configuration requests with nothing by default (= the defaults).
    this.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    this.onRequest('client/registerCapability', () => null);
  }

  onRequest(method: string, handler: Handler): void {
    this.requestHandlers.set(method, handler);
  }

  onNotification(method: string, handler: Handler): void {
    this.notificationHandlers.set(method, [...(this.notificationHandlers.get(method) ?? []), handler]);
  }

  request<T = any>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the next notification of `method` whose params pass `test`. */
  waitFor<T = any>(method: string, test: (p: T) => boolean = () => true, timeoutMs = 20000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), timeoutMs);
      this.waiters.push({
        method,
        test,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  waitForDiagnostics(uri: string, version?: number, timeoutMs?: number): Promise<PublishedDiagnostics> {
    return this.waitFor<PublishedDiagnostics>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && (version === undefined || p.version === version),
      timeoutMs,
    );
  }

  async initialize(capabilities: object = defaultCapabilities(), initializationOptions?: unknown, workspaceFolders?: { uri: string; name: string }[]): Promise<any> {
    const result = await this.request('initialize', {
      processId: process.pid,
      rootUri: workspaceFolders?.[0]?.uri ?? null,
      capabilities,
      initializationOptions,
      ...(workspaceFolders ? { workspaceFolders } : {}),
    });
    this.notify('initialized', {});
    return result;
  }

  async shutdown(): Promise<number | null> {
    if (this.proc.exitCode !== null) return this.proc.exitCode;
    try {
      await this.request('shutdown', null);
      this.notify('exit', null);
    } catch {
      this.proc.kill();
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private send(message: object): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length: (\d+)/i.exec(header);
      if (!m) throw new Error(`bad header from server: ${header}`);
      const length = Number(m[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(JSON.parse(body));
    }
  }

  private dispatch(msg: any): void {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) {
      const handler = this.requestHandlers.get(msg.method);
      let result: unknown = null;
      let error: { code: number; message: string } | undefined;
      if (handler) result = handler(msg.params);
      else error = { code: -32601, message: `client does not handle ${msg.method}` };
      this.send(error ? { jsonrpc: '2.0', id: msg.id, error } : { jsonrpc: '2.0', id: msg.id, result });
      return;
    }
    for (const h of this.notificationHandlers.get(msg.method) ?? []) h(msg.params);
    const i = this.waiters.findIndex((w) => w.method === msg.method && w.test(msg.params));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      w!.resolve(msg.params);
    }
  }
}

export function defaultCapabilities(): object {
  return {
    workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
    textDocument: {
      synchronization: { dynamicRegistration: false, didSave: true },
      publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
    },
  };
}
