/**
 * copy-plan: the names and next step Copy-ResyncToRequestor -ToSession delivers with are the ones the
 * engine's own delivery uses (shared/file-names.ts, copy/next-step.ts).
 */
import { describe, expect, it } from 'vitest';
import { createCopyPlanHandler, planDelivery, COPY_PLAN_TYPE } from '../../src/handlers/copy-plan';
import { exchangeNextStep, nextStepFor } from '../../src/copy/next-step';
import { TEMP_SUFFIX } from '../../src/shared/file-names';
import type { CommandContext } from '../../src/protocol/context';

const AT = new Date('2026-11-24T10:30:00.123Z');

function run(params: Record<string, unknown>): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const out: Array<{ type: string; data: Record<string, unknown> }> = [];
  const ctx = {
    reporter: { verbose() {}, warning() {}, whatIf() {}, progress() {} },
    signal: new AbortController().signal,
    emitResult: (type: string, data: Record<string, unknown>) => out.push({ type, data }),
  } as unknown as CommandContext;
  return createCopyPlanHandler(() => AT)(params, ctx).then(() => out);
}

describe('copy-plan', () => {
  it('an MS Mail postoffice: RESYNC.GLB, kept as RESYNC.<stamp>.GLB, Import and Rebuild for the folder in its own path syntax', async () => {
    const [r] = await run({ destination: 'M:\\MAILDATA\\GLB' });
    expect(r!.type).toBe(COPY_PLAN_TYPE);
    const step = nextStepFor('M:\\MAILDATA\\GLB');
    expect(r!.data).toMatchObject({ RequestorType: 'MSMail', FinalName: 'RESYNC.GLB', NextStep: step.text, NextStepCommands: step.commands, Note: step.note });
    expect(step.commands[0]).toContain('-dM:');
    const backups = r!.data.BackupNames as string[];
    expect(backups[0]).toBe('RESYNC.20261124T103000123Z.GLB');
    expect(backups[1]).toBe('RESYNC.20261124T103000123Z-2.GLB');
    expect(new Set(backups).size).toBe(backups.length);
    expect(String(r!.data.TempName)).toMatch(new RegExp(`^RESYNC\\.GLB\\.\\d+-[0-9a-f]{8}${TEMP_SUFFIX.replace(/\./g, '\\.')}$`));
  });

  it('an Exchange requestor: Resync.glb, kept as Resync.<stamp>.glb, the service restart as the next step', async () => {
    const [r] = await run({ destination: 'D:\\exchsrvr\\DXADATA', requestorType: 'exchange' });
    const step = exchangeNextStep('D:\\exchsrvr\\DXADATA');
    expect(r!.data).toMatchObject({ RequestorType: 'Exchange', FinalName: 'Resync.glb', NextStep: step.text, NextStepCommands: step.commands, Note: step.note });
    expect((r!.data.BackupNames as string[])[0]).toBe('Resync.20261124T103000123Z.glb');
  });

  it('two plans never share a temporary name', () => {
    expect(planDelivery('/po/MAILDATA/GLB', 'MSMail', AT).TempName).not.toBe(planDelivery('/po/MAILDATA/GLB', 'MSMail', AT).TempName);
  });

  it('refuses a missing destination and an unknown requestor type with Usage', async () => {
    await expect(run({})).rejects.toMatchObject({ id: 'Usage', details: { target: 'destination' } });
    await expect(run({ destination: '/x', requestorType: 'Notes' })).rejects.toMatchObject({ id: 'Usage' });
  });
});
