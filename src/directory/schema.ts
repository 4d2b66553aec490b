/**
 * Reading names out of a server's subschema (RFC 4512 section 4.1: objectClasses and
 * attributeTypes values). Each Exchange 5.5 schema object carries its LDAP name (domain.md,
 * "The Exchange directory"), so the tool checks its assumed names against what the server says.
 */

/** The NAMEs of one definition: `( 1.2.3 NAME ( 'a' 'b' ) ...)` -> ['a', 'b']. */
export function definitionNames(definition: string): string[] {
  const m = /\bNAME\s+(?:'([^']*)'|\(\s*((?:'[^']*'\s*)+)\))/i.exec(definition);
  if (!m) return [];
  if (m[1] !== undefined) return [m[1]];
  return [...m[2]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!);
}

export class SchemaNames {
  private readonly classes = new Map<string, string>();
  private readonly attributes = new Map<string, string>();
  constructor(objectClasses: readonly string[], attributeTypes: readonly string[]) {
    for (const d of objectClasses) for (const n of definitionNames(d)) this.classes.set(n.toLowerCase(), n);
    for (const d of attributeTypes) for (const n of definitionNames(d)) this.attributes.set(n.toLowerCase(), n);
  }
  hasClass(name: string): boolean {
    return this.classes.has(name.toLowerCase());
  }
  hasAttribute(name: string): boolean {
    return this.attributes.has(name.toLowerCase());
  }
  /** Class names that look like the one wanted (for the error message): containing "DXA". */
  classesLike(fragment: string): string[] {
    const f = fragment.toLowerCase();
    return [...this.classes.values()].filter((c) => c.toLowerCase().includes(f)).sort();
  }
  get classCount(): number {
    return this.classes.size;
  }
}
