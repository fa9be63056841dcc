/*
 * Types for the parts of Azurite 3.35 that `azurite.ts` uses. Azurite ships no declarations; these mirror the
 * constructors in node_modules/azurite/dist/src/{blob,queue,table}/*Configuration.js and ServerBase.js.
 * Positional parameters are copied in order: Table's order differs from Blob/Queue (debug log before access log).
 */

declare module 'azurite/dist/src/common/ServerBase' {
  /** What every Azurite service server offers once constructed. */
  export default interface AzuriteServerBase {
    start(): Promise<void>;
    close(): Promise<void>;
    /** `http://host:port` of the bound socket (the real port when 0 was asked for). */
    getHttpServerAddress(): string;
  }
  /** A service server's class (a type only): built from its service's configuration, then started and closed. */
  export type AzuriteServerClass<Configuration> = new (configuration: Configuration) => AzuriteServerBase;
}

declare module 'azurite/dist/src/common/persistence/MemoryExtentStore' {
  /** Chunk store for in-memory extents; one per server keeps two in-memory servers in a process apart. */
  export class MemoryExtentChunkStore {
    constructor(sizeLimit?: number);
  }
}

/** Where an FS extent store writes its blobs/messages. */
interface AzuriteStoreDestination {
  locationId: string;
  locationPath: string;
  maxConcurrency: number;
}

/** The parameters every service's configuration ends with, in this order. */
type AzuriteServerFlags = [
  loose: boolean,
  skipApiVersionCheck: boolean,
  cert: string,
  key: string,
  pwd: string,
  oauth: string | undefined,
  disableProductStyleUrl: boolean,
];

declare module 'azurite/dist/src/blob/BlobConfiguration' {
  import type { MemoryExtentChunkStore } from 'azurite/dist/src/common/persistence/MemoryExtentStore';
  /** The constructor parameters of Blob's and Queue's configurations, which store extents (Table's differ); a type only. */
  export type ExtentConfigurationArgs = [
    host: string,
    port: number,
    keepAliveTimeout: number,
    metadataDBPath: string,
    extentDBPath: string,
    persistencePathArray: AzuriteStoreDestination[],
    enableAccessLog: boolean,
    accessLogWriteStream: undefined,
    enableDebugLog: boolean,
    debugLogFilePath: string | undefined,
    ...AzuriteServerFlags,
    isMemoryPersistence: boolean,
    memoryStore?: MemoryExtentChunkStore,
  ];
  export default class BlobConfiguration {
    constructor(...args: ExtentConfigurationArgs);
  }
}

declare module 'azurite/dist/src/queue/QueueConfiguration' {
  import type { ExtentConfigurationArgs } from 'azurite/dist/src/blob/BlobConfiguration';
  export default class QueueConfiguration {
    constructor(...args: ExtentConfigurationArgs);
  }
}

declare module 'azurite/dist/src/table/TableConfiguration' {
  export default class TableConfiguration {
    constructor(
      ...args: [
        host: string,
        port: number,
        keepAliveTimeout: number,
        metadataDBPath: string,
        enableDebugLog: boolean,
        enableAccessLog: boolean,
        accessLogWriteStream: undefined,
        debugLogFilePath: string | undefined,
        ...AzuriteServerFlags,
        isMemoryPersistence: boolean,
      ]
    );
  }
}

declare module 'azurite/dist/src/blob/BlobServer' {
  import type { AzuriteServerClass } from 'azurite/dist/src/common/ServerBase';
  import type BlobConfiguration from 'azurite/dist/src/blob/BlobConfiguration';
  const BlobServer: AzuriteServerClass<BlobConfiguration>;
  export default BlobServer;
}

declare module 'azurite/dist/src/queue/QueueServer' {
  import type { AzuriteServerClass } from 'azurite/dist/src/common/ServerBase';
  import type QueueConfiguration from 'azurite/dist/src/queue/QueueConfiguration';
  const QueueServer: AzuriteServerClass<QueueConfiguration>;
  export default QueueServer;
}

declare module 'azurite/dist/src/table/TableServer' {
  import type { AzuriteServerClass } from 'azurite/dist/src/common/ServerBase';
  import type TableConfiguration from 'azurite/dist/src/table/TableConfiguration';
  const TableServer: AzuriteServerClass<TableConfiguration>;
  export default TableServer;
}
