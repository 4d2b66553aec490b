/** Where each part of a lab DSS lives on disk (docs/ARCHITECTURE.md, "The lab DSS on disk"). */
import { join } from 'node:path';
import { CONTRACT } from '../shared/contract';

export interface LabPaths {
  root: string;
  config: string;
  registry: string;
  service: string;
  /** Control file: the DXA stops when this holds "stop" (portable; SIGTERM also works on POSIX). */
  control: string;
  log: string;
  /** The DXA's own memory: which Resync.glb in Dxadata it wrote itself. */
  dxaState: string;
  recipients: string;
  install: string;
  bin: string;
  image: string;
  dxadata: string;
  postoffices: string;
}

export function labPaths(root: string): LabPaths {
  const install = join(root, 'exchsrvr');
  return {
    root,
    config: join(root, 'lab.json'),
    registry: join(root, 'registry.json'),
    service: join(root, 'service.json'),
    control: join(root, 'service.control'),
    log: join(root, 'dxa.log'),
    dxaState: join(root, 'dxa-state.json'),
    recipients: join(root, 'recipients.tsv'),
    install,
    bin: join(install, 'bin'),
    image: join(install, 'bin', 'dxa.exe'),
    dxadata: join(install, CONTRACT.dxadataFolder),
    postoffices: join(root, 'postoffices'),
  };
}

/** The GLB folder of a requestor postoffice (docs/domain.md: `<PO>/MAILDATA/GLB`, Q96060). */
export function postofficeGlb(root: string, postoffice: string): string {
  return join(root, 'postoffices', postoffice, 'MAILDATA', 'GLB');
}

/** The registry key paths as the lab store spells them: hive + subkey from the contract. */
export const SERVICE_KEY = `${CONTRACT.serviceKey.hive}\\${CONTRACT.serviceKey.subKey}`;
export const SETUP_KEY = `${CONTRACT.setupKey.hive}\\${CONTRACT.setupKey.subKey}`;
