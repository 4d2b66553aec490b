// Types of scripts/build-exe.mjs for the TypeScript that imports it (its unit test).
export declare const SEA_DIR: string;
export declare const EXE_PATH: string;
export declare function stripSignature(pe: Buffer): Buffer;
export declare function buildExe(moduleDir: string, options?: { quiet?: boolean }): { exe: string } | { skipped: string };
