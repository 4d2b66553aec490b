/**
 * resync-glb: the bundle's entry point. One subcommand per file in ./commands.
 * `rpc` is the protocol mode used by the PowerShell module (docs/PROTOCOL.md).
 */
import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    // parseAsync only rejects for errors the commands did not handle themselves.
    process.stderr.write(`resync-glb: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = process.exitCode || 1;
  });
