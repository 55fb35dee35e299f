import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { TlsSettings } from './remote-settings.js';

const plainAgent = new HttpAgent({ keepAlive: true });
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
    agent = new HttpsAgent({
      keepAlive: true,
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
