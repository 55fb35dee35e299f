import type { ServerResponse } from 'node:http';
import type { DirectoryEntry } from './content-lookup.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A plain HTML index of a directory, as web servers show one, with links relative to it. */
export function sendDirectoryListing(res: ServerResponse, method: string | undefined, title: string, entries: DirectoryEntry[]): void {
  const items = entries.map((e) => {
    const name = e.directory ? `${e.name}/` : e.name;
    return `<li><a href="${escapeHtml(encodeURIComponent(e.name) + (e.directory ? '/' : ''))}">${escapeHtml(name)}</a></li>`;
  });
  const body = `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Index of ${escapeHtml(title)}</title></head>\n` +
    `<body><h1>Index of ${escapeHtml(title)}</h1>\n<ul>\n${items.join('\n')}\n</ul></body></html>\n`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(method === 'HEAD' ? undefined : body);
}
