// The part of yazl's API the packer uses (yazl ships no types; see its README for the full API).
declare module 'yazl' {
  import { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface EntryOptions {
    /** Stored as the DOS date and time (local time) and, unless forceDosTimestamp, as an Info-ZIP UTC timestamp. */
    mtime?: Date;
    /** Unix file type and permission bits, e.g. 0o100644; kept in the external attributes. */
    mode?: number;
    compress?: boolean;
    /** zlib's level; 0 stores the entry. */
    compressionLevel?: number;
    forceZip64Format?: boolean;
    forceDosTimestamp?: boolean;
    fileComment?: string | Buffer;
  }

  export interface EndOptions {
    forceZip64Format?: boolean;
    comment?: string | Buffer;
  }

  export class ZipFile extends EventEmitter {
    /** The archive's bytes, ending after end() once every entry is written. */
    readonly outputStream: Readable;
    addBuffer(buffer: Buffer, metadataPath: string, options?: EntryOptions): void;
    end(options?: EndOptions, calculatedTotalSizeCallback?: (size: number) => void): void;
  }
}
