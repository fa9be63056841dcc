/** Datastores: named Blob containers (and optional prefix) that batch jobs and pipelines read and write. */
import { Type, type Static } from '@sinclair/typebox';
import { DatastoreName, Timestamp, closedObject, listOf } from './common';

/** Azure Blob container names: 3–63 lower-case letters, digits and single hyphens. */
const ContainerName = Type.String({
  pattern: '^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$',
  description:
    'A Blob container name: 3–63 characters, lower-case letters, digits and single hyphens, starting and ending with a letter or digit.',
  examples: ['scoring-data'],
});

const specFields = {
  container: ContainerName,
  prefix: Type.Optional(
    Type.String({ maxLength: 1024, description: 'A folder inside the container that every path is relative to.' }),
  ),
};

/** `PUT api/datastores/{name}`. */
export const DatastoreSpec = closedObject('DatastoreSpec', specFields, {
  description: 'Registers or updates a datastore.',
  examples: [{ container: 'scoring-data', prefix: 'landing/' }],
});
export type DatastoreSpec = Static<typeof DatastoreSpec>;

/** A datastore as answered, with the Blob endpoint it lives on. */
export const Datastore = Type.Object(
  {
    name: DatastoreName,
    ...specFields,
    accountUrl: Type.String({
      description: 'The Blob service endpoint, e.g. `https://<account>.blob.core.windows.net`.',
    }),
    isDefault: Type.Optional(Type.Boolean({ description: 'True for `workspaceblobstore`.' })),
    createdAt: Type.Optional(Timestamp),
    updatedAt: Type.Optional(Timestamp),
  },
  {
    title: 'Datastore',
    description: 'A datastore.',
    examples: [
      {
        name: 'workspaceblobstore',
        container: 'workspaceblobstore',
        accountUrl: 'http://127.0.0.1:10000/devstoreaccount1',
        isDefault: true,
      },
    ],
  },
);
export type Datastore = Static<typeof Datastore>;

export const DatastoreList = listOf(Datastore, 'DatastoreList');
export type DatastoreList = Static<typeof DatastoreList>;

export const DatastoreParams = Type.Object({ name: DatastoreName });
