import { Command } from 'commander';

// Placeholder: replaced by the inspect implementation.
export function inspectCommand(): Command {
  return new Command('inspect').description('(not built yet)');
}
