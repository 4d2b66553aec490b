/**
 * Escaping for names that travel into LDAP: filter values (RFC 4515 section 3) and DN attribute
 * values (RFC 4514 section 2.4). A requestor name is data, never filter syntax: `*`, `(`, `)`,
 * `\` and NUL are written as `\2a`, `\28`, `\29`, `\5c`, `\00`.
 */

/** Escapes one value for an LDAP search filter assertion (RFC 4515). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** An equality filter `(attr=value)` with the value escaped; `attr` must be a plain descriptor. */
export function equalityFilter(attribute: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(attribute)) throw new Error(`Not an LDAP attribute descriptor: ${JSON.stringify(attribute)}`);
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/** Escapes one attribute value for a DN (RFC 4514): specials, a leading `#` or space, a trailing space. */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[,+"\\<>;=\u0000]/g, (c) => (c === '\u0000' ? '\\00' : `\\${c}`));
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * The value of a DN's first RDN (`cn=SALES,cn=DSS,...` -> `SALES`), with RFC 4514 escapes
 * (`\,` and `\2c`) undone. Multi-valued RDNs give their first value.
 */
export function firstRdnValue(dn: string): string {
  let i = dn.indexOf('=');
  if (i < 0) return dn;
  i += 1;
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (; i < dn.length; i += 1) {
    const c = dn[i]!;
    if (c === '\\' && i + 1 < dn.length) {
      const hex = dn.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...enc.encode(dn[i + 1]!));
        i += 1;
      }
      continue;
    }
    if (c === ',' || c === '+') break;
    bytes.push(...enc.encode(c));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/**
 * The bind DN Exchange 5.5 expects for a Windows NT account: `cn=<account>,cn=<NT domain>`
 * (domain.md, "The Exchange directory"; Q156063 section 2.7.5). `DOMAIN\account` is converted;
 * anything already containing `=` is taken as a DN as given.
 */
export function bindDnFor(userName: string): string | null {
  if (userName.includes('=')) return userName;
  const slash = userName.indexOf('\\');
  if (slash <= 0 || slash === userName.length - 1) return null;
  const domain = userName.slice(0, slash);
  const account = userName.slice(slash + 1);
  return `cn=${escapeDnValue(account)},cn=${escapeDnValue(domain)}`;
}
