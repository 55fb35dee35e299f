import { createHash } from 'node:crypto';
import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { lookupReachable, refusedAddress } from './remote-addresses.js';
import type { TlsSettings } from './remote-settings.js';

/** How node's Agent takes a connection, or the error that stands for it. */
type Created = (error: Error | null, stream?: Duplex) => void;

/** Hands the agent the refusal instead of a connection when `options.host` is an address a remote may not reach. */
function refuse(options: ClientRequestArgs, created: Created): boolean {
  const refused = refusedAddress(options.host ?? '');
  if (refused) created(refused);
  return refused !== null;
}

/**
 * Agents connect only where remotes may reach: a name through `lookupReachable`, an address in the
 * URL (which node connects to without a lookup) checked here. Refused before any packet is sent.
 */
class RemoteHttpAgent extends HttpAgent {
  override createConnection(options: ClientRequestArgs, created: Created): Duplex | null | undefined {
    return refuse(options, created) ? undefined : super.createConnection(options, created);
  }
}

class RemoteHttpsAgent extends HttpsAgent {
  override createConnection(options: RequestOptions, created: Created): Duplex | null | undefined {
    return refuse(options, created) ? undefined : super.createConnection(options, created);
  }
}

const plainAgent = new RemoteHttpAgent({ keepAlive: true, lookup: lookupReachable });
const tlsAgents = new Map<string, HttpsAgent>();

/**
 * A keep-alive agent for the URL's protocol and the TLS settings, shared by every download with equal settings
 * (whatever the remote or downloader), so a sync of thousands of files reuses its connections.
 */
export function agentFor(url: URL, tls: TlsSettings): HttpAgent {
  if (url.protocol !== 'https:') return plainAgent;
  const { caCert, clientCert, clientKey } = tls;
  const validate = tls.tlsValidation !== false;
  // Hashed so the map's keys hold no second copy of a private key.
  const key = createHash('sha256').update(JSON.stringify([caCert, clientCert, clientKey, validate])).digest('hex');
  let agent = tlsAgents.get(key);
  if (!agent) {
    agent = new RemoteHttpsAgent({
      keepAlive: true,
      lookup: lookupReachable,
      // In addition to the public roots, so a private mirror may still redirect to a public CDN.
      ca: caCert ? [...rootCertificates, caCert] : undefined,
      cert: clientCert ?? undefined,
      key: clientKey ?? undefined,
      rejectUnauthorized: validate,
    });
    tlsAgents.set(key, agent);
  }
  return agent;
}
