import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../src/protocol/serve';
import { parseRequest } from '../../src/protocol/request';
import { ERRORS, ResyncError } from '../../src/shared/errors';
import type { CommandHandler } from '../../src/protocol/context';

async function exchange(lines: string[], handlers: Record<string, CommandHandler>, keepOpen = false) {
  const input = new PassThrough();
  const out: string[] = [];
  const done = serve({ input, sink: (l) => out.push(l), version: '9.9.9', handlers });
  for (const l of lines) input.write(`${l}\n`);
  if (!keepOpen) input.end();
  const code = await done;
  return { code, events: out.map((l) => JSON.parse(l) as Record<string, unknown>), input };
}

describe('protocol (docs/PROTOCOL.md)', () => {
  it('starts with hello, relays events and results, ends with end and exit 0', async () => {
    const handler: CommandHandler = async (params, ctx) => {
      ctx.reporter.verbose(`got ${JSON.stringify(params.requestor)}`);
      ctx.reporter.progress({ id: 1, activity: 'a', status: 's', percent: 50 });
      ctx.emitResult('ResyncGlb.Result', { Path: '/x', Length: 3 });
    };
    const { code, events } = await exchange([JSON.stringify({ protocol: 1, command: 'new', params: { requestor: ['PO1'] } })], { new: handler }, true);
    expect(code).toBe(0);
    expect(events.map((e) => e.event)).toEqual(['hello', 'verbose', 'progress', 'result', 'end']);
    expect(events[0]).toMatchObject({ protocol: 1, version: '9.9.9' });
    expect(events[1]!.message).toBe('got ["PO1"]');
    expect(events[3]).toEqual({ event: 'result', type: 'ResyncGlb.Result', data: { Path: '/x', Length: 3 } });
    expect(events[4]).toEqual({ event: 'end', exitCode: 0 });
  });

  it('turns a thrown ResyncError into an error event with id, category and exit code', async () => {
    const handler: CommandHandler = async () => {
      throw new ResyncError('ValuePending', 'pending', { target: 'ResyncConnectionRDNs', pending: ['X'] });
    };
    const { code, events } = await exchange([JSON.stringify({ protocol: 1, command: 'new', params: {} })], { new: handler });
    expect(code).toBe(3);
    expect(events.find((e) => e.event === 'error')).toEqual({
      event: 'error', id: 'ValuePending', category: 'ResourceExists', message: 'pending', target: 'ResyncConnectionRDNs', terminating: true, details: { pending: ['X'] },
    });
  });

  it.each([
    ['not json', 'not valid JSON'],
    ['[1,2]', 'JSON object'],
    ['{"protocol":2,"command":"new"}', 'Unsupported protocol'],
    ['{"protocol":1}', "no 'command'"],
    ['{"protocol":1,"command":"new","params":[]}', "'params'"],
    ['{"protocol":1,"command":"new","secret":{"userName":"u"}}', "'secret'"],
  ])('rejects the malformed request %s with ProtocolError (exit 2)', async (line, why) => {
    const { code, events } = await exchange([line], { new: async () => undefined });
    expect(code).toBe(2);
    const err = events.find((e) => e.event === 'error')!;
    expect(err.id).toBe('ProtocolError');
    expect(String(err.message)).toContain(why);
  });

  it('a cancel line aborts the handler; so does the end of stdin', async () => {
    const waitForAbort: CommandHandler = (_p, ctx) =>
      new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(new ResyncError('Cancelled', String((ctx.signal.reason as Error).message)))));
    const a = await exchange([JSON.stringify({ protocol: 1, command: 'new' }), '{"control":"cancel","reason":"user pressed Ctrl+C"}'], { new: waitForAbort }, true);
    expect(a.events.find((e) => e.event === 'error')).toMatchObject({ id: 'Cancelled', message: 'user pressed Ctrl+C' });
    const b = await exchange([JSON.stringify({ protocol: 1, command: 'new' })], { new: waitForAbort });
    expect(b.events.find((e) => e.event === 'error')).toMatchObject({ id: 'Cancelled', message: 'the caller closed the connection (stdin)' });
  });

  it('hands the secret to the handler and never into an event', async () => {
    let seen = '';
    const handler: CommandHandler = async (_p, ctx) => {
      seen = ctx.secret?.password ?? '';
      throw new Error('boom');
    };
    const { events } = await exchange([JSON.stringify({ protocol: 1, command: 'new', secret: { userName: 'u', password: 'Pa$$w0rd-"quoted"' } })], { new: handler });
    expect(seen).toBe('Pa$$w0rd-"quoted"');
    expect(JSON.stringify(events)).not.toContain('Pa$$w0rd');
  });

  it('keeps request data byte for byte', () => {
    const names = [`a'b"c`, '‘x’“y”', '$(Stop-Service MSExchangeDX)', '`n;|&', 'Zürich 東京'];
    expect(parseRequest(JSON.stringify({ protocol: 1, command: 'new', params: { requestor: names } })).params.requestor).toEqual(names);
  });

  it('documents every error id with its category and exit code', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'PROTOCOL.md'), 'utf8');
    const rows = new Map(
      [...doc.matchAll(/^\| (\w+) \| (\w+) \| (\d) \|/gm)].map((m) => [m[1]!, { category: m[2], exitCode: Number(m[3]) }]),
    );
    for (const [id, e] of Object.entries(ERRORS)) {
      expect(rows.get(id), `docs/PROTOCOL.md lacks ${id}`).toEqual({ category: e.category, exitCode: e.exitCode });
    }
    expect(rows.size).toBe(Object.keys(ERRORS).length);
  });
});

describe('per-item failures', () => {
  it('are relayed on their results; the aggregate error only sets the exit code', async () => {
    const handler: CommandHandler = async (_p, ctx) => {
      ctx.emitResult('ResyncGlb.CopyResult', { Destination: '/a', Status: 'Copied', Error: null });
      ctx.emitResult('ResyncGlb.CopyResult', { Destination: '/b', Status: 'Failed', Error: { Id: 'DiskFull', Category: 'WriteError', Message: 'full' } });
      throw new ResyncError('DiskFull', 'full', { failed: [{ Destination: '/b', Id: 'DiskFull' }] });
    };
    const { code, events } = await exchange([JSON.stringify({ protocol: 1, command: 'copy' })], { copy: handler });
    expect(code).toBe(1);
    expect(events.filter((e) => e.event === 'result')).toHaveLength(2);
    expect(events.some((e) => e.event === 'error')).toBe(false);
  });
});

describe('a UTF-8 console in front of the engine (a BOM before the first byte)', () => {
  // .NET Framework's Process.Start writes the input encoding's preamble at once when the console
  // input code page is 65001; the request then starts with U+FEFF.
  it('accepts a request line that starts with U+FEFF', () => {
    const r = parseRequest(`\uFEFF${JSON.stringify({ protocol: 1, command: 'new', params: { requestor: ['PO1'] } })}`);
    expect(r.command).toBe('new');
    expect(r.params.requestor).toEqual(['PO1']);
  });

  it('accepts a cancel control line that starts with U+FEFF', async () => {
    let seen: unknown = null;
    const handler: CommandHandler = (_params, ctx) =>
      new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          seen = ctx.signal.reason;
          reject(new ResyncError('Cancelled', String((ctx.signal.reason as Error).message)));
        });
      });
    const { events } = await exchange([`\uFEFF${JSON.stringify({ protocol: 1, command: 'new', params: {} })}`, `\uFEFF${JSON.stringify({ control: 'cancel', reason: 'bom cancel' })}`], { new: handler }, true);
    expect((seen as Error).message).toBe('bom cancel');
    expect(events.find((e) => e.event === 'error')).toMatchObject({ id: 'Cancelled', message: 'bom cancel' });
  });

  it('still refuses a BOM in the middle of the line', () => {
    expect(() => parseRequest(`{"protocol":1,\uFEFF"command":"new"}`)).toThrow(/not valid JSON/);
  });
});
