/**
 * Where Dxadata is, as docs/domain.md says: an explicit path, else `DXADataPath` under the service key
 * (Q185504), else `<Exchange\Setup Services>\Dxadata` (Q149205; Q147374 names the key only), else the install folder two
 * levels above the service ImagePath `...\BIN\DXA.EXE` (inference from Q143380).
 */
import { dirname, join, resolve } from 'node:path';
import { CONTRACT } from '../shared/contract';
import type { DxadataSource } from '../shared/contract';
import { SERVICE_KEY, SETUP_KEY } from './paths';
import type { RegistryStore } from './registry-store';

export interface ResolvedDxadata {
  path: string;
  source: DxadataSource;
}

function sz(v: { type: string; data: unknown } | null): string | null {
  if (!v || (v.type !== 'REG_SZ' && v.type !== 'REG_EXPAND_SZ') || typeof v.data !== 'string' || !v.data.trim()) return null;
  return v.data.trim();
}

export async function resolveLabDxadata(store: RegistryStore, labRoot: string, explicitPath?: string): Promise<ResolvedDxadata | null> {
  if (explicitPath) return { path: resolve(labRoot, explicitPath), source: 'Explicit' };
  const moved = sz(await store.getValue(SERVICE_KEY, CONTRACT.dxaDataPathValue.name));
  if (moved) return { path: resolve(labRoot, moved), source: 'DXADataPath' };
  const install = sz(await store.getValue(SETUP_KEY, CONTRACT.setupKey.installPathValue));
  if (install) return { path: join(resolve(labRoot, install), CONTRACT.dxadataFolder), source: 'Setup' };
  const image = sz(await store.getValue(SERVICE_KEY, CONTRACT.imagePathValue.name));
  if (image) return { path: join(dirname(dirname(resolve(labRoot, image))), CONTRACT.dxadataFolder), source: 'ImagePath' };
  return null;
}
