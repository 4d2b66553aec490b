/**
 * The parts of every request that name what is touched on the DSS, taken from
 * dss-contract.json (the only place naming them) and nowhere else. The ps1 scripts hard-code
 * none of these names: they read them from the request.
 */
import { CONTRACT } from '../../shared/contract';

export const SERVICE_KEY = {
  hive: CONTRACT.serviceKey.hive,
  subKey: CONTRACT.serviceKey.subKey,
  psPath: CONTRACT.serviceKey.psPath,
} as const;

export const SETUP_KEY = {
  hive: CONTRACT.setupKey.hive,
  subKey: CONTRACT.setupKey.subKey,
  psPath: CONTRACT.setupKey.psPath,
} as const;

export const RESYNC_VALUE = {
  name: CONTRACT.resyncValue.name,
  psPropertyType: CONTRACT.resyncValue.psPropertyType,
  dotnetKind: CONTRACT.resyncValue.dotnetKind,
} as const;

export const SERVICE = { name: CONTRACT.service.name } as const;

/** GlobalMaxSeqInResync (Q215505) for Get-DxaSequenceSettings.ps1 and Set-GlobalMaxSeq.ps1. */
export const GLOBAL_MAX_SEQ_VALUE = { name: CONTRACT.globalMaxSeqValue.name } as const;

/** Resolve-Dxadata.ps1's names (domain.md: Q185504, Q147374, Q143380). */
export const DXADATA_NAMES = {
  serviceKey: SERVICE_KEY,
  dxaDataPathValue: CONTRACT.dxaDataPathValue.name,
  imagePathValue: CONTRACT.imagePathValue.name,
  setupKey: SETUP_KEY,
  installPathValue: CONTRACT.setupKey.installPathValue,
  dxadataFolder: CONTRACT.dxadataFolder,
  binary: CONTRACT.service.binary,
  /**
   * Under Rpc the values are read unexpanded; %SystemDrive%-style variables are expanded from the
   * DSS's own environment read over the remote registry (never the workstation's): SystemRoot
   * (and windir, SystemDrive from it) and the system variables (Windows' own registry layout).
   */
  environment: {
    hive: 'HKEY_LOCAL_MACHINE',
    systemRootKey: 'SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion',
    systemRootValue: 'SystemRoot',
    variablesKey: 'SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment',
  },
} as const;
