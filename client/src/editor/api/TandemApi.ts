import type { TandemAccess } from '../types';

/**
 * The one client of Tandem's HTTP API (DESIGN.md, "Contract — HTTP API"): every request the
 * editor and the app make goes through `TandemApi.request`, which sends the credential in the
 * `Authorization` header (never in a URL a page could leak) and turns every refusal into an
 * `ApiFailure` carrying the server's `{ error, reason }`.
 */

/** A refused or failed request; `status` 0 when the server could not be reached. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'ApiFailure';
  }

  get unreachable(): boolean {
    return this.status === 0;
  }
}

export interface VersionInfo {
  id: string;
  name: string | null;
  createdAt: string;
  authors: Array<{ name: string; verified: boolean }>;
}

/** ProseMirror JSON as the export gives it. */
export interface DocNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: DocNode[];
  text?: string;
}

export type ShareMode = 'read' | 'comment' | 'write';

export interface ShareLink {
  id: string;
  mode: ShareMode;
  expiresAt: string | null;
  /** `/d/<name>?token=…`: relative, the page adds its own origin. */
  path: string;
}

export type ExportFormat = 'md' | 'html' | 'txt' | 'json' | 'docx';

/** An import replaces the document's content or adds to its end. */
export type ImportMode = 'replace' | 'append';

/** Who is signed in (DESIGN.md, "Sign-in (optional)"): the provider's name, verified. */
export interface SignedInUser {
  id: string;
  name: string;
  /** Only when the provider verified it. */
  email: string | null;
}

export interface Me {
  user: SignedInUser | null;
  /** Whether this server signs people in at all. */
  signIn: boolean;
}

export type Role = 'owner' | 'editor' | 'commenter' | 'viewer';
export type GeneralAccess = 'restricted' | 'link-viewer' | 'link-commenter' | 'link-editor';

export interface DocPeople {
  people: Array<{ email: string; name?: string; role: Role }>;
  general: GeneralAccess;
}

/** A document in a signed-in person's list. */
export interface MyDoc {
  name: string;
  title: string;
  updatedAt: string | null;
  role: Role;
}

/** `ws://host:port/prefix` → `http://host:port/prefix` (and wss → https). */
export function httpBaseFromWs(wsUrl: string): string {
  return wsUrl.replace(/^ws(s?):\/\//i, 'http$1://').replace(/\/+$/, '');
}

interface RequestOptions {
  body?: BodyInit | undefined;
  json?: unknown;
  contentType?: string | undefined;
  signal?: AbortSignal | undefined;
  query?: Record<string, string> | undefined;
}

export class TandemApi {
  /** `base`: the server's HTTP origin (and path prefix), '' for the page's own. */
  constructor(
    readonly base: string,
    private readonly token: string | undefined,
  ) {}

  /** The API of the server behind a WebSocket URL (the editor's `url`). */
  static forServer(wsUrl: string, token: string | undefined): TandemApi {
    return new TandemApi(httpBaseFromWs(wsUrl), token);
  }

  /** Sends one request; resolves to the response when it is 2xx, else rejects with ApiFailure. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const query = new URLSearchParams(options.query ?? {}).toString();
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.contentType) headers['content-type'] = options.contentType;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}${query ? `?${query}` : ''}`, { method, headers, body, cache: 'no-store', signal: options.signal });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw new ApiFailure(0, 'unreachable', 'The server cannot be reached.');
    }
    if (res.ok) return res;
    const refusal = (await res.json().catch(() => ({}))) as { error?: unknown; reason?: unknown };
    throw new ApiFailure(res.status, typeof refusal.error === 'string' ? refusal.error : 'error', typeof refusal.reason === 'string' ? refusal.reason : `error ${res.status}`);
  }

  private async json<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
    return (await (await this.request(method, path, options)).json()) as T;
  }

  /**
   * What this credential may do with `document`. Browsers only see a failed socket, never the
   * status of a refused upgrade, so the editor asks. `null` when the server cannot be reached or
   * answers in a way we do not understand (we are offline, not denied).
   */
  async access(document: string, signal?: AbortSignal): Promise<TandemAccess | null> {
    try {
      const { mode } = await this.json<{ mode?: unknown }>('GET', `/api/access/${encodeURIComponent(document)}`, { signal });
      return mode === 'read' || mode === 'comment' || mode === 'write' ? { kind: 'granted', mode } : null;
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err;
      if (err.status === 401) return /expir|revoked/i.test(err.message) ? { kind: 'expired', reason: err.message } : { kind: 'denied', reason: err.message };
      if (err.status === 403) return { kind: 'denied', reason: err.message };
      return null;
    }
  }

  /** Who is signed in here (the session cookie), and whether sign-in exists. */
  async me(): Promise<Me> {
    const { user, signIn } = await this.json<Partial<Me>>('GET', '/api/me');
    return { user: user ?? null, signIn: signIn === true };
  }

  /** Ends the session everywhere (its sockets close with 4401). */
  async logout(): Promise<void> {
    await this.request('POST', '/auth/logout');
  }

  /** A signed-in person's documents (theirs and shared with them), newest first. */
  async myDocuments(): Promise<MyDoc[]> {
    return (await this.json<{ documents: MyDoc[] }>('GET', '/api/docs')).documents;
  }

  /** The part of the API about one document. */
  doc(document: string): DocApi {
    return new DocApi(this, `/api/docs/${encodeURIComponent(document)}`, document);
  }
}

/** Requests about one document: `/api/docs/<name>/…` and its files. */
export class DocApi {
  constructor(
    private readonly api: TandemApi,
    private readonly path: string,
    readonly document: string,
  ) {}

  private async json<T>(method: string, sub: string, options?: RequestOptions): Promise<T> {
    return (await (await this.api.request(method, `${this.path}${sub}`, options)).json()) as T;
  }

  async versions(): Promise<VersionInfo[]> {
    return (await this.json<{ versions: VersionInfo[] }>('GET', '/versions')).versions;
  }

  nameVersion(name: string): Promise<VersionInfo> {
    return this.json('POST', '/versions', { json: { name } });
  }

  /** Restores a version; `before` names the version holding the text it replaced (to undo it). */
  restore(id: string): Promise<{ restored: string; before: string | null }> {
    return this.json('POST', `/versions/${encodeURIComponent(id)}/restore`);
  }

  /** A version's body (the `json` export is `{ doc, threads }`). */
  async versionJson(id: string): Promise<DocNode> {
    return (await this.json<{ doc: DocNode }>('GET', `/versions/${encodeURIComponent(id)}/export`, { query: { format: 'json' } })).doc;
  }

  async currentJson(): Promise<DocNode> {
    return (await this.json<{ doc: DocNode }>('GET', '/export', { query: { format: 'json' } })).doc;
  }

  /** An export as a file: its bytes and the name the server suggests. */
  async exportFile(format: ExportFormat): Promise<{ blob: Blob; filename: string }> {
    const res = await this.api.request('GET', `${this.path}/export`, { query: { format } });
    const disposition = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
    const plain = /filename="([^"]+)"/i.exec(disposition)?.[1];
    return { blob: await res.blob(), filename: star ? decodeURIComponent(star) : (plain ?? `document.${format}`) };
  }

  /** Imports a file as one change (write access); resolves to what did not come in as it was. */
  async importFile(file: Blob, contentType: string, mode: ImportMode): Promise<{ notes: string[] }> {
    const { notes } = await this.json<{ notes?: unknown }>('PUT', '/import', { body: file, contentType, query: { mode } });
    return { notes: Array.isArray(notes) ? notes.filter((n): n is string => typeof n === 'string') : [] };
  }

  /** Uploads an image (raw bytes; the server recognises the type by them) → the path the document stores. */
  async upload(file: Blob): Promise<string> {
    const { path } = await this.json<{ path: string }>('POST', '/files', { body: file, contentType: file.type || 'application/octet-stream' });
    return path;
  }

  /** The document's links; `open` when the server runs without AUTH_SECRET (there are none). */
  async listShares(): Promise<{ links: ShareLink[]; open: boolean }> {
    const { shares, open } = await this.json<{ shares: ShareLink[]; open?: boolean }>('GET', '/shares');
    return { links: shares, open: open === true };
  }

  createShare(mode: ShareMode, expiresInSeconds: number | undefined): Promise<ShareLink> {
    return this.json('POST', '/shares', { json: expiresInSeconds === undefined ? { mode } : { mode, expiresInSeconds } });
  }

  people(): Promise<DocPeople> {
    return this.json('GET', '/people');
  }

  /** Replaces the people and general access as the contract's rules allow (403, 409 last_owner). */
  setPeople(people: DocPeople): Promise<DocPeople> {
    return this.json('PUT', '/people', { json: { people: people.people.map(({ email, role }) => ({ email, role })), general: people.general } });
  }

  async revokeShare(id: string): Promise<void> {
    try {
      await this.api.request('DELETE', `${this.path}/shares/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!(err instanceof ApiFailure) || err.status !== 404) throw err; // already gone
    }
  }
}
