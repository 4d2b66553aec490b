// Types of build.mjs for the TypeScript that imports it (the vitest global setup).
export declare const MODULE_OUT: string;
export declare function buildModule(options?: { quiet?: boolean }): Promise<string>;
