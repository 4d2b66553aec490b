/**
 * A Remote Dirsync Requestor as read from the Exchange directory (domain.md, "The Exchange
 * directory": class Remote-DXA under the Dirsync Server object in the site's Connections
 * container, Q160971, Q182511). Field names are the tool's; the LDAP or export-file names they
 * come from are in ./mapping.ts and docs/DIRECTORY.md.
 */
export interface DirectoryRequestor {
  displayName: string;
  commonName: string;
  rdn: string;
  /** The object's DN (LDAP) or Obj-Dist-Name (export file), when known. */
  distinguishedName: string | null;
  reqName: string | null;
  reqSeq: number | null;
  srvSeq: number | null;
  confSeq: number | null;
  impSeq: number | null;
  exportNow: boolean | null;
  importNow: boolean | null;
  /** The export settings that decide what Resync.glb holds for it, attribute name -> values. */
  exportSettings: Record<string, string[]>;
}

export interface DirectoryListing {
  /** Where the objects came from: `ldap://host:port` / `ldaps://...`, or the export file's path. */
  source: string;
  requestors: DirectoryRequestor[];
  /** Warnings the reader did not report itself (the export file's); LDAP reports through the reporter. */
  warnings: string[];
}
