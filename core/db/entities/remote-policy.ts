import { registerEnumType } from 'type-graphql';

/** When a remote's files are downloaded (pulp's remote policies). */
export enum RemotePolicy {
  /** During sync. */
  IMMEDIATE = 'IMMEDIATE',
  /** On the first request through the content app, then kept. */
  ON_DEMAND = 'ON_DEMAND',
  /** On every request, never kept. */
  STREAMED = 'STREAMED',
}

registerEnumType(RemotePolicy, { name: 'RemotePolicy' });
