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

/** The constructor parameters of Blob's and Queue's configurations, which store extents (Table's differ). */
type AzuriteExtentConfigurationArgs = [
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
  memoryStore?: import('azurite/dist/src/common/persistence/MemoryExtentStore').MemoryExtentChunkStore,
];

declare module 'azurite/dist/src/blob/BlobConfiguration' {
  export default class BlobConfiguration {
    constructor(...args: AzuriteExtentConfigurationArgs);
  }
}

declare module 'azurite/dist/src/queue/QueueConfiguration' {
  export default class QueueConfiguration {
    constructor(...args: AzuriteExtentConfigurationArgs);
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

/** A service server's class: built from its service's configuration, then started and closed. */
type AzuriteServerClass<Configuration> = new (
  configuration: Configuration,
) => import('azurite/dist/src/common/ServerBase').default;

declare module 'azurite/dist/src/blob/BlobServer' {
  const BlobServer: AzuriteServerClass<import('azurite/dist/src/blob/BlobConfiguration').default>;
  export default BlobServer;
}

declare module 'azurite/dist/src/queue/QueueServer' {
  const QueueServer: AzuriteServerClass<import('azurite/dist/src/queue/QueueConfiguration').default>;
  export default QueueServer;
}

declare module 'azurite/dist/src/table/TableServer' {
  const TableServer: AzuriteServerClass<import('azurite/dist/src/table/TableConfiguration').default>;
  export default TableServer;
}
