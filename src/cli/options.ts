/** Option helpers shared by the subcommands. */

/** For repeatable options (`-r A -r B`): collects every value in order. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
