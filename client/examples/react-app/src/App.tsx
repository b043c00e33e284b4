import { useState } from 'react';
import { Extension } from '@tiptap/core';
import { TandemEditor, Toolbar, type TandemStatus } from '@tandem/client';
import { WordCount } from './WordCount';

// Where the Tandem server is. `?server=ws://localhost:1234&doc=notes&name=Ada` for a quick try.
const params = new URLSearchParams(location.search);
const server = params.get('server') ?? import.meta.env.VITE_TANDEM_URL ?? 'ws://localhost:1234';
const doc = params.get('doc') ?? 'react-example';
const name = params.get('name') ?? 'React Guest';

// Your own Tiptap extensions run beside Tandem's, on the same @tiptap/core (a peer dependency):
// here Mod-Shift-x clears the formatting of the selection.
const ClearFormatting = Extension.create({
  name: 'clearFormatting',
  addKeyboardShortcuts() {
    return { 'Mod-Shift-x': () => this.editor.commands.unsetAllMarks() };
  },
});
const extensions = [ClearFormatting];

export function App() {
  const [status, setStatus] = useState<TandemStatus>('connecting');
  return (
    <main style={{ height: '100vh', display: 'flex', flexDirection: 'column' }} data-status={status}>
      <TandemEditor
        url={server}
        document={doc}
        user={{ name, color: '#9334e6' }}
        extensions={extensions}
        onStatus={setStatus}
        // Tandem's toolbar plus something of ours: the render prop gets the live editor.
        toolbar={({ editor, editable }) => (
          <>
            <Toolbar editor={editor} editable={editable} />
            <WordCount editor={editor} />
          </>
        )}
      />
    </main>
  );
}
