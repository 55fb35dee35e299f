import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLResponse<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } & Record<string, unknown> }>;
}

/** `Authorization: Basic …` for a username and password. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/**
 * A plain HTTP GraphQL client, as any user's script would use, sending `authorization` (e.g.
 * `Bearer <token secret>`) with every request and as the graphql-ws connection parameter.
 */
export class GraphQLClient {
  private ws: Client | null = null;

  constructor(readonly url: string, readonly authorization: string | null = null) {}

  /** The headers that authenticate a plain HTTP request (an upload, a download) as this client. */
  get headers(): Record<string, string> {
    return this.authorization ? { authorization: this.authorization } : {};
  }

  /** The same server, as someone else (null: anonymous). */
  as(authorization: string | null): GraphQLClient {
    return new GraphQLClient(this.url, authorization);
  }

  async request<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResponse<T>;
  }

  /** `request`, failing the test on any GraphQL error. */
  async data<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await this.request<T>(query, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data!;
  }

  /** The error code of a request expected to fail. */
  async errorCode(query: string, variables: Record<string, unknown> = {}): Promise<string | undefined> {
    const result = await this.request(query, variables);
    if (!result.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
    return result.errors[0]!.extensions?.code;
  }

  /** Every payload of a subscription until the server completes it. */
  async subscribeUntilComplete<T = Record<string, any>>(query: string, variables: Record<string, unknown>, onFirst?: () => void): Promise<T[]> {
    const received: T[] = [];
    for await (const result of this.subscription<T>(query, variables)) {
      if (result.errors?.length) throw new Error(`subscription errors: ${JSON.stringify(result.errors)}`);
      received.push(result.data!);
      if (received.length === 1) onFirst?.();
    }
    return received;
  }

  subscription<T>(query: string, variables: Record<string, unknown>): AsyncIterableIterator<GraphQLResponse<T>> {
    this.ws ??= createClient({
      url: `${this.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: true,
      connectionParams: this.authorization ? { authorization: this.authorization } : {},
    });
    return this.ws.iterate({ query, variables }) as AsyncIterableIterator<GraphQLResponse<T>>;
  }

  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = null;
  }
}
