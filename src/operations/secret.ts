/** A credential for reaching a DSS: given to the operations, never to anything that logs or writes files. */
export interface Secret {
  userName: string;
  /** Never logged, never passed in argv or environment, never written to a file. */
  password: string;
}
