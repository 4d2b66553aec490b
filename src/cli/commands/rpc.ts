import { Command } from 'commander';

export function rpcCommand(): Command {
  return new Command('rpc').description('(not built yet)');
}
