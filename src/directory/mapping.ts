/**
 * Which directory names the tool reads for each requestor field.
 *
 * The class name and attributes are those of Exchange 5.5's schema (domain.md, "The Exchange
 * directory": Remote-DXA, Common-Name, Admin-Display-Name, DXA-ReqName, DXA-*-Seq; Q182511 and the
 * Exchange SDK schema pages). Their **LDAP names on a real 5.5 server are not confirmed**: the
 * defaults below are assumptions (docs/DIRECTORY.md lists them), checked against the server's own
 * schema before every read, and an admin can override any of them with an attribute map.
 */
import { ResyncError } from '../shared/errors';

export interface AttributeMap {
  /** The requestor objects' class (assumed LDAP name `Remote-DXA`). */
  objectClass: string;
  displayName: string;
  commonName: string;
  /**
   * The RDN attribute; where the schema or the object lacks it (or it is mapped to ''), the RDN is
   * the value of the object's DN's first component.
   */
  rdn: string;
  reqName: string;
  reqSeq: string;
  srvSeq: string;
  confSeq: string;
  impSeq: string;
  exportNow: string;
  importNow: string;
  /**
   * The export settings that decide what Resync.glb holds (domain.md: custom recipients, trust
   * levels, containers; Q156063 section 3.1.1). The attribute names are assumed; requestors with
   * the same values form one configuration group.
   */
  exportSettings: string[];
}

export const DEFAULT_ATTRIBUTE_MAP: Readonly<AttributeMap> = Object.freeze({
  objectClass: 'Remote-DXA',
  displayName: 'Admin-Display-Name',
  commonName: 'cn',
  rdn: 'rdn',
  reqName: 'DXA-ReqName',
  reqSeq: 'DXA-Req-Seq',
  srvSeq: 'DXA-Svr-Seq',
  confSeq: 'DXA-Conf-Seq',
  impSeq: 'DXA-Imp-Seq',
  exportNow: 'DXA-Export-Now',
  importNow: 'DXA-Import-Now',
  exportSettings: ['Export-Containers', 'Export-Custom-Recipients', 'Trust-Level'],
});

/** The same fields' column names in an `admin /e` raw-mode export (docs/DIRECTORY.md). */
export const DEFAULT_EXPORT_COLUMNS: Readonly<AttributeMap> = Object.freeze({
  objectClass: 'Obj-Class',
  displayName: 'Admin-Display-Name',
  commonName: 'Common-Name',
  rdn: 'Directory Name',
  reqName: 'DXA-ReqName',
  reqSeq: 'DXA-Req-Seq',
  srvSeq: 'DXA-Svr-Seq',
  confSeq: 'DXA-Conf-Seq',
  impSeq: 'DXA-Imp-Seq',
  exportNow: 'DXA-Export-Now',
  importNow: 'DXA-Import-Now',
  exportSettings: ['Export-Containers', 'Export-Custom-Recipients', 'Trust-Level'],
});

const KEYS = Object.keys(DEFAULT_ATTRIBUTE_MAP) as Array<keyof AttributeMap>;
const DESCRIPTOR = /^[A-Za-z][A-Za-z0-9-]*$/;

/**
 * Applies an admin's override (`{"displayName":"adminDisplayName", ...}`, keys case-insensitive)
 * to a default map. For LDAP every name must be a plain descriptor: it goes into filters.
 */
export function applyAttributeMap(base: Readonly<AttributeMap>, override: unknown, forLdap: boolean): AttributeMap {
  const map: AttributeMap = { ...base, exportSettings: [...base.exportSettings] };
  if (override === undefined || override === null) return map;
  if (typeof override !== 'object' || Array.isArray(override)) {
    throw new ResyncError('Usage', "Parameter 'attributeMap' must be an object mapping field names to attribute names.", { target: 'attributeMap' });
  }
  const check = (field: string, v: unknown): string => {
    if (typeof v !== 'string') throw new ResyncError('Usage', `attributeMap.${field} must be a string.`, { target: 'attributeMap' });
    if (forLdap && v !== '' && !DESCRIPTOR.test(v)) {
      throw new ResyncError('Usage', `attributeMap.${field} ${JSON.stringify(v)} is not an LDAP attribute name (letters, digits and '-', starting with a letter).`, {
        target: 'attributeMap',
      });
    }
    return v;
  };
  for (const [k, v] of Object.entries(override as Record<string, unknown>)) {
    const key = KEYS.find((x) => x.toLowerCase() === k.toLowerCase());
    if (!key) throw new ResyncError('Usage', `attributeMap has an unknown field ${JSON.stringify(k)}; known: ${KEYS.join(', ')}.`, { target: 'attributeMap' });
    if (key === 'exportSettings') {
      const list = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(list)) throw new ResyncError('Usage', 'attributeMap.exportSettings must be a list of attribute names.', { target: 'attributeMap' });
      map.exportSettings = list.map((x, i) => check(`exportSettings[${i}]`, x)).filter((x) => x !== '');
    } else {
      const name = check(key, v);
      if (name === '' && key !== 'rdn') throw new ResyncError('Usage', `attributeMap.${key} may not be empty.`, { target: 'attributeMap' });
      map[key] = name;
    }
  }
  return map;
}
