import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GraphQLContext } from '../graphql/context.js';
import { closeAfterRefusal, readBody, TooLarge } from './read-body.js';

/**
 * `POST /graphql` (and GET for queries) through Apollo's transport-neutral entry point; a body over
 * `maxBodyBytes` (LARDER_MAX_GRAPHQL_BODY_BYTES) is refused with 413.
 */
export async function handleGraphQLHttp(
  apollo: ApolloServer<GraphQLContext>,
  req: IncomingMessage,
  res: ServerResponse,
  context: (req: IncomingMessage) => Promise<GraphQLContext>,
  maxBodyBytes: number,
): Promise<void> {
  // The context (the credentials' check, a round trip to PostgreSQL) is made while the body
  // arrives, not after it: under load that wait is a good part of a request's time. A request
  // refused before Apollo asks for its context leaves the outcome of the check to no one.
  const contextValue = context(req);
  contextValue.catch(() => undefined);
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  try {
    const raw = await readBody(req, maxBodyBytes);
    body = raw.length > 0 && headers.get('content-type')?.includes('json') ? JSON.parse(raw.toString('utf8')) : undefined;
  } catch (error) {
    if (error instanceof TooLarge) {
      closeAfterRefusal(res);
      const message = `The request body has more than ${maxBodyBytes} bytes, the most LARDER_MAX_GRAPHQL_BODY_BYTES allows`;
      return sendGraphQLError(res, 413, message, { code: 'TOO_LARGE', limit: maxBodyBytes });
    }
    return sendGraphQLError(res, 400, 'request body is not valid JSON', { code: 'BAD_REQUEST' });
  }
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method?.toUpperCase() ?? 'GET', headers, search: new URL(req.url ?? '/', 'http://x').search, body },
    context: () => contextValue,
  });
  for (const [key, value] of result.headers) res.setHeader(key, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

function sendGraphQLError(res: ServerResponse, status: number, message: string, extensions: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ message, extensions }] }));
}
