import { Command } from 'commander';

// Placeholder: replaced by the copy implementation.
export function copyCommand(): Command {
  return new Command('copy').description('(not built yet)');
}
