export function cmdArgs(line: string): string[] | null;
