import { Command } from 'commander';

// Placeholder: replaced by the lab implementation.
export function labCommand(): Command {
  return new Command('lab').description('(not built yet)');
}
