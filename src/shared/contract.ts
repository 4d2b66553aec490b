/** Typed view of dss-contract.json: the exact names ResyncGlb touches on a DSS. */
import contractJson from './dss-contract.json';

export const CONTRACT = contractJson;
export type Contract = typeof contractJson;

/** Where the Dxadata folder of a DSS was found (docs/domain.md: DXADataPath, Setup\\Services, ImagePath). */
export type DxadataSource = 'Explicit' | 'DXADataPath' | 'Setup' | 'ImagePath';
