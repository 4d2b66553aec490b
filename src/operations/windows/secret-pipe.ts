/**
 * The credential's own channel to Initialize-DssSession.ps1: a one-shot local pipe that the engine
 * serves and the script reads once (docs/PROTOCOL.md, "Credentials").
 *
 * Why not the child's stdin: Windows PowerShell 5.1's console host reads `-Command -` input
 * through its own buffered reader, so a line written after the command is already swallowed
 * when the script asks [Console]::In for it, and the script waits forever.
 *
 * The pipe: on Windows a named pipe \\.\pipe\resyncglb-<128 random bits>; elsewhere a Unix socket
 * in a fresh 0700 folder (where .NET's NamedPipeClientStream maps pipes to Unix sockets and takes
 * a rooted name as the socket's path), so the same script code runs under pwsh here. Named pipes
 * can be listed on Windows, so the name is not a secret: a client must first send a 256-bit token
 * that travels only inside the script's base64 request; a client that sends anything else is
 * dropped and the pipe keeps waiting for the right one. The credential goes out once, as
 * "#" + base64 of its UTF-8 bytes and a line feed, then the pipe is closed. It is never in argv,
 * the environment, script text, a log or a file.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SecretPipe {
  /** What the script gives NamedPipeClientStream as the pipe name. */
  readonly pipeName: string;
  /** The token the script must send first (hex). */
  readonly token: string;
  /** True once the credential was handed to a client that sent the token. */
  readonly served: boolean;
  /** Stops serving and removes the socket; safe to call twice. */
  close(): Promise<void>;
}

/** Longest token line accepted from a client before it is dropped. */
const MAX_HELLO = 256;
/** How long a connected client may take to send its token. */
const HELLO_TIMEOUT_MS = 10_000;

export async function openSecretPipe(password: string, platform: NodeJS.Platform = process.platform): Promise<SecretPipe> {
  const token = randomBytes(32).toString('hex');
  const payload = Buffer.from(`#${Buffer.from(password, 'utf8').toString('base64')}\n`, 'ascii');
  let dir: string | null = null;
  let listenPath: string;
  let pipeName: string;
  if (platform === 'win32') {
    pipeName = `resyncglb-${randomBytes(16).toString('hex')}`;
    listenPath = `\\\\.\\pipe\\${pipeName}`;
  } else {
    // Short on purpose: a Unix socket path is limited to about 104 bytes.
    dir = mkdtempSync(join(tmpdir(), 'rgp-'));
    chmodSync(dir, 0o700);
    listenPath = join(dir, 's');
    pipeName = listenPath;
  }

  let served = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: false }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setTimeout(HELLO_TIMEOUT_MS, () => socket.destroy());
    let hello = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      if (served) {
        socket.destroy();
        return;
      }
      hello = Buffer.concat([hello, chunk]);
      const nl = hello.indexOf(0x0a);
      if (nl < 0) {
        if (hello.length > MAX_HELLO) socket.destroy();
        return;
      }
      const got = Buffer.from(hello.subarray(0, nl).toString('ascii').replace(/\r$/, ''), 'ascii');
      const want = Buffer.from(token, 'ascii');
      if (got.length !== want.length || !timingSafeEqual(got, want)) {
        socket.destroy();
        return;
      }
      served = true;
      socket.end(payload);
      server.close();
    });
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path: listenPath, readableAll: false, writableAll: false }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (dir) chmodSync(listenPath, 0o600);

  let closed = false;
  return {
    pipeName,
    token,
    get served() {
      return served;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A client that connected but never sent its token must not keep the server open.
        for (const s of sockets) s.destroy();
      });
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
