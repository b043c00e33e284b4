// The reference page for scenario K (../latency.mjs): Tiptap + Collaboration + carets on a plain
// y-websocket provider, nothing else (no React, no IndexedDB, no UI). ?ws=<url>&doc=<name>&name=<user>
import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

const q = new URLSearchParams(location.search);
const doc = new Y.Doc();
const provider = new WebsocketProvider(q.get('ws'), q.get('doc'), doc);
provider.on('sync', (synced) => {
  window.__synced = synced;
});
new Editor({
  element: document.querySelector('#editor'),
  extensions: [
    StarterKit.configure({ undoRedo: false, trailingNode: false }),
    Collaboration.configure({ fragment: doc.getXmlFragment('default') }),
    CollaborationCaret.configure({ provider, user: { name: q.get('name') ?? 'user', color: '#1a73e8' } }),
  ],
});
