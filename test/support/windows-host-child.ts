/**
 * Bundled and run in a separate Node process by windows-host.test.ts: proves that failures
 * to start PowerShell come back as errors instead of crashing Node with an unhandled rejection.
 * Prints one JSON line; exits 0 unless something escaped.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWindowsOperations } from '../../src/operations/windows';
import { isResyncError } from '../../src/shared/errors';

// Set at bundle time (esbuild define): the bundle runs from a temp folder.
const PS1 = process.env.RESYNCGLB_TEST_PS1 as string;
const FAKE_PWSH = process.env.RESYNCGLB_TEST_FAKE_PWSH as string;

async function idOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return isResyncError(e) ? e.id : `not a ResyncError: ${String(e)}`;
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'missing') {
    const id = await idOf(openWindowsOperations({ transport: 'Local', executable: '/nonexistent/dir/pwsh', scriptDir: PS1 }));
    // Give a stray rejection time to surface before exiting.
    await new Promise((r) => setTimeout(r, 300));
    process.stdout.write(JSON.stringify({ missing: id }) + '\n');
    return;
  }
  if (mode === 'bad-interpreter') {
    const dir = mkdtempSync(join(tmpdir(), 'resyncglb-badpwsh-'));
    const exe = join(dir, 'pwsh');
    writeFileSync(exe, '#!/nonexistent/interpreter\n');
    chmodSync(exe, 0o755);
    const id = await idOf(openWindowsOperations({ transport: 'Local', executable: exe, scriptDir: PS1 }));
    await new Promise((r) => setTimeout(r, 300));
    process.stdout.write(JSON.stringify({ badInterpreter: id }) + '\n');
    return;
  }
  if (mode === 'debug') {
    // The stand-in answers Initialize with the hash of the stdin line; nothing else must be printed.
    const ops = await openWindowsOperations({ transport: 'Remoting', computerName: 'DSS01', executable: FAKE_PWSH, scriptDir: PS1, secret: { userName: 'u', password: 'password-for-debug' } });
    await ops.dispose();
    process.stdout.write(JSON.stringify({ debug: 'ok' }) + '\n');
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`child failed: ${String(e)}\n`);
  process.exit(2);
});
