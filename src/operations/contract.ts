/** Typed view of dss-contract.json: the exact names ResyncGlb touches on a DSS. */
import contractJson from './dss-contract.json';

export const CONTRACT = contractJson;
export type Contract = typeof contractJson;
