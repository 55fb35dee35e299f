import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GraphQLContext } from '../graphql/context.js';
import { readBody, TooLarge } from './read-body.js';

const MAX_BODY = 10 * 1024 * 1024;

/** `POST /graphql` (and GET for queries) through Apollo's transport-neutral entry point. */
export async function handleGraphQLHttp(
  apollo: ApolloServer<GraphQLContext>,
  req: IncomingMessage,
  res: ServerResponse,
  context: (req: IncomingMessage) => Promise<GraphQLContext>,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  try {
    const raw = await readBody(req, MAX_BODY);
    body = raw.length > 0 && headers.get('content-type')?.includes('json') ? JSON.parse(raw.toString('utf8')) : undefined;
  } catch (error) {
    res.writeHead(error instanceof TooLarge ? 413 : 400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ message: error instanceof TooLarge ? 'request body too large' : 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] }));
    return;
  }
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method?.toUpperCase() ?? 'GET', headers, search: new URL(req.url ?? '/', 'http://x').search, body },
    context: () => context(req),
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
