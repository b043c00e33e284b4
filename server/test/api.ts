// HTTP API helpers for integration tests: plain fetch against a real server.
import * as Y from 'yjs';
import { fragmentToJSON, insertJSON, type PMNode } from '../src/history/yjsJson.js';
import type { TestServer } from './helpers.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  bytes: Uint8Array;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function httpBase(ts: TestServer): string {
  return `http://127.0.0.1:${ts.port}`;
}

/** One API request; `path` is under /api/, names already encoded by the caller. */
export async function api(ts: TestServer, method: string, path: string, opts: { body?: string | Uint8Array; type?: string; token?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.type) headers['content-type'] = opts.type;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${httpBase(ts)}/api/${path}`, { method, headers, body: opts.body as BodyInit | undefined });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, bytes, json };
}

export const doc = (name: string): string => `docs/${encodeURIComponent(name)}`;

export const paragraph = (text: string): PMNode => ({ type: 'paragraph', content: [{ type: 'text', text }] });

/** Replaces a Y.Doc's body with paragraphs of `lines` (as an editor would, in one transaction). */
export function setParagraphs(ydoc: Y.Doc, lines: string[]): void {
  const fragment = ydoc.getXmlFragment('default');
  ydoc.transact(() => {
    fragment.delete(0, fragment.length);
    insertJSON(fragment, 0, lines.map(paragraph));
  });
}

/** The text of each top-level block of a Y.Doc's body. */
export function blocks(ydoc: Y.Doc): string[] {
  const text = (n: PMNode): string => (n.type === 'text' ? n.text ?? '' : (n.content ?? []).map(text).join(''));
  return (fragmentToJSON(ydoc.getXmlFragment('default')).content ?? []).map(text);
}
