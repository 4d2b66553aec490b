import { EXIT } from '../shared/errors';

export const EXIT_CODE_HELP = `
Exit codes (docs/PROTOCOL.md):
  ${EXIT.ok}  success
  ${EXIT.failedRolledBack}  the run failed and what it changed was undone
  ${EXIT.usage}  usage error or invalid input (nothing was changed)
  ${EXIT.refused}  preflight refused (nothing was changed)
  ${EXIT.timeout}  timed out (what it changed was undone)
  ${EXIT.needsHuman}  rollback incomplete: the error lists what to undo by hand`;
