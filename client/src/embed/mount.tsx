import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TandemEditor } from '../editor/TandemEditor';
import type { TandemStatus, TandemUser } from '../editor/types';
import { randomColor, randomGuestName } from '../app/names';
import editorCss from '../editor/ui/tandem-editor.css?inline';
import { embedCss } from './embedCss';

export interface MountOptions {
  /** The Tandem server, `wss://…` or `https://…`. Default: the origin that served embed.js. */
  url?: string | undefined;
  /** Document name (any string). */
  document: string;
  /** Default: a guest name and a random colour. */
  user?: Partial<TandemUser> | undefined;
  /** Access token (JWT) when the server runs with `AUTH_SECRET`. */
  token?: string | undefined;
  /** Default true; a read-only token makes the editor read-only regardless. */
  editable?: boolean | undefined;
  onStatus?: ((status: TandemStatus) => void) | undefined;
}

export interface MountedEditor {
  /** Closes the socket (peers drop this caret and avatar at once) and removes the editor's DOM. Idempotent. */
  destroy(): void;
}

/** `https://x` → `wss://x`; a ws(s) URL stays; no trailing slash. */
export function toWebSocketUrl(url: string): string {
  return url.replace(/^http(s?):\/\//i, 'ws$1://').replace(/\/+$/, '');
}

/** The origin this module was served from: where the Tandem server is, unless told otherwise. */
function scriptOrigin(): string {
  return new URL(import.meta.url).origin;
}

/**
 * Mounts a Tandem editor into `element` of any page, React or not.
 *
 * Style isolation is a shadow root, not scoped class names: the host page's rules (`p { … }`,
 * `button { … }`, a CSS reset) cannot reach into a shadow tree, and ours cannot leak out, in
 * both directions and without the host doing anything. Scoped class names only protect the
 * host from us; they cannot stop a host's `div p { margin: 2em }` from breaking the editor.
 * Only inherited properties cross the boundary: the root resets them (embedCss) and lets
 * `--tandem-*` custom properties through on purpose, so a host can still theme the editor.
 */
export function mountTandemEditor(element: Element, options: MountOptions): MountedEditor {
  if (!(element instanceof Element)) throw new TypeError('mountTandemEditor: element must be a DOM element');
  if (!options || typeof options.document !== 'string' || options.document === '') {
    throw new TypeError('mountTandemEditor: options.document must be a non-empty string');
  }
  // A custom element name: no host-page rule aimed at div or span matches the shadow host.
  const host = element.ownerDocument.createElement('tandem-editor');
  host.style.display = 'block';
  host.style.height = '100%';
  const shadow = host.attachShadow({ mode: 'open' });
  // y-tiptap (Tiptap's y-prosemirror) calls `view.root.createRange()` whenever a remote change
  // arrives while this editor has focus, and only Document has createRange: in a shadow root
  // every remote change would throw and never reach the view. A range is a range: the
  // document's serves. (ProseMirror itself already falls back for getSelection.)
  if (!('createRange' in shadow)) {
    const doc = element.ownerDocument;
    Object.defineProperty(shadow, 'createRange', { value: () => doc.createRange() });
  }
  const style = element.ownerDocument.createElement('style');
  style.textContent = embedCss + editorCss;
  const container = element.ownerDocument.createElement('div');
  container.className = 'tandem-root';
  shadow.append(style, container);
  element.append(host);

  // Plain-JS callers get no type checks: anything but a non-empty string falls back.
  const { name, color } = options.user ?? {};
  const user: TandemUser = {
    name: (typeof name === 'string' && name.trim()) || randomGuestName(),
    color: (typeof color === 'string' && color) || randomColor(),
  };
  const root = createRoot(container);
  root.render(
    <StrictMode>
      <TandemEditor
        url={toWebSocketUrl(options.url ?? scriptOrigin())}
        document={options.document}
        user={user}
        token={options.token || undefined}
        editable={options.editable ?? true}
        onStatus={options.onStatus}
      />
    </StrictMode>,
  );

  let destroyed = false;
  return {
    destroy() {
      if (destroyed) return;
      destroyed = true;
      // Unmounting runs the editor's cleanup synchronously: its awareness state is removed (and
      // the removal sent) before the provider closes the socket.
      root.unmount();
      host.remove();
    },
  };
}
