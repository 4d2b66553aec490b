// B8: the whole procedure through the Windows operations (node-powershell -> ps1/ scripts, Local
// transport) on the lab, against the same procedure through the lab operations. On Linux the ps1/
// scripts can only reach the lab through stand-ins for the Windows commands (registry, service
// control) that are backed by the lab's own store and service: test/ps/Shadow.WindowsCommands.ps1 in
// its lab mode, loaded by test/ps/pwsh-with-shadows, served by the bundle's hidden `lab __shadow`.
// Until all of that is in the tree, B8 reports "not measured" with the missing piece, never a figure.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { notMeasuredFigure } from '../lib/measure.mjs';
import { timed } from '../lib/proc.mjs';

const WHAT = 'whole procedure on the lab through the Windows operations (pwsh, Local transport) ÷ through the lab operations';
const TARGET = 1.5;

/** Why B8 cannot run here, or null when every piece it needs is present. */
export async function missingPiece(ctx) {
  if (!ctx.pwsh.path) return `no pwsh (${ctx.pwsh.reason})`;
  const shadows = join(ctx.repoRoot, 'test', 'ps', 'Shadow.WindowsCommands.ps1');
  if (!existsSync(shadows)) return 'test/ps/Shadow.WindowsCommands.ps1 (stand-ins for the Windows commands) is not in this tree';
  if (!/RESYNCGLB_SHADOW_LAB/.test(readFileSync(shadows, 'utf8'))) {
    return 'test/ps/Shadow.WindowsCommands.ps1 has no lab mode yet (registry and MSExchangeDX backed by a lab DSS); its stand-ins only simulate, so the procedure cannot run through them against a lab DXA';
  }
  if (!existsSync(join(ctx.repoRoot, 'test', 'ps', 'pwsh-with-shadows'))) return 'test/ps/pwsh-with-shadows (the pwsh that loads the stand-ins) is not in this tree';
  const help = await timed(process.execPath, [ctx.bundle, 'lab', '__shadow', '--help'], { mustSucceed: false });
  if (help.code !== 0) return "the bundle has no 'lab __shadow' (the lab's registry and service served to the stand-ins)";
  return 'the lab-backed stand-ins are present, but this benchmark does not drive them yet (they were not merged when B8 was written)';
}

export async function run(ctx) {
  const reason = await missingPiece(ctx);
  ctx.log(`  B8: not measured: ${reason}`);
  return [notMeasuredFigure({ id: 'B8', what: WHAT, ran: 'pwsh', reason, target: { max: TARGET, of: 'median ratio' } })];
}
