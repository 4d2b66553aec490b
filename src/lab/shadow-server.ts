/**
 * TEST SUPPORT (hidden `resync-glb lab __shadow <dir>`): the lab DSS's registry store and service
 * control served line by line to test/ps/Shadow.WindowsCommands.ps1, so the real ps1/ scripts can
 * run against the lab through the lab's own code (docs/ARCHITECTURE.md, "The Windows operations
 * against the lab").
 *
 * One request per line on stdin, one answer per line on stdout, both base64 of UTF-8 JSON, so no
 * data is ever part of a command line or of script text. The process ends when stdin closes (the
 * PowerShell that started it has gone). Requests:
 *   { op: "values", key }                      -> { exists, values: { name: { type, data } } }
 *   { op: "setValue", key, name, value }       -> { changed }   (value: { type, data }, creates the key)
 *   { op: "deleteValue", key, name }           -> { removed }
 *   { op: "service" }                          -> { exists, status, pid }
 *   { op: "stop" }                             -> { }  (asks the DXA to stop; does not wait)
 *   { op: "start" }                            -> { pid } (spawns the DXA; does not wait)
 * Answers: { ok: true, data } or { ok: false, error: { id, message } }.
 */
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { toResyncError } from '../shared/errors';
import { labPaths, SERVICE_KEY } from './paths';
import { RegistryStore, type RegValue } from './registry-store';
import { labServiceState, requestLabStop, spawnLabDxa } from './control';

type Request = { op: string; key?: string; name?: string; value?: RegValue };

async function handle(root: string, store: RegistryStore, req: Request): Promise<unknown> {
  switch (req.op) {
    case 'values': {
      const values = await store.listValues(String(req.key));
      return { exists: values !== null, values: values ?? {} };
    }
    case 'setValue':
      return { changed: await store.setValue(String(req.key), String(req.name), req.value as RegValue) };
    case 'deleteValue':
      return { removed: await store.deleteValue(String(req.key), String(req.name)) };
    case 'service': {
      const exists = await store.keyExists(SERVICE_KEY);
      const s = await labServiceState(root);
      return { exists, status: s.status, pid: s.pid };
    }
    case 'stop':
      await requestLabStop(root);
      return {};
    case 'start':
      return { pid: (await spawnLabDxa(root)).pid };
    default:
      throw new Error(`Unknown shadow request ${JSON.stringify(req.op)}.`);
  }
}

export async function runShadowServer(dir: string): Promise<void> {
  const root = resolve(dir);
  const store = new RegistryStore(labPaths(root).registry);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const text = line.trim();
    if (!text) continue;
    let answer: unknown;
    try {
      const req = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as Request;
      answer = { ok: true, data: await handle(root, store, req) };
    } catch (e) {
      const err = toResyncError(e);
      answer = { ok: false, error: { id: err.id, message: err.message } };
    }
    process.stdout.write(`${Buffer.from(JSON.stringify(answer), 'utf8').toString('base64')}\n`);
  }
}
