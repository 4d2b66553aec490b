/** A reason the packer refuses to pack; the command line prints it as "package: <reason>" and exits 1. */
export class PackageError extends Error {}
