import { useEditorState, type Editor } from '@tiptap/react';
import { BubbleMenu } from '@tiptap/react/menus';
import { openLink, requestFromEditor } from './keys';

function selectLink({ editor }: { editor: Editor }): string | null {
  if (!editor.isActive('link')) return null;
  const href = editor.getAttributes('link').href as unknown;
  return typeof href === 'string' ? href : null;
}

/**
 * On a link under the caret: its address, and Open, Edit, Remove (Google Docs' link chip). A
 * plain click puts the caret in the link; Ctrl+click opens it (keys.ts).
 */
export function LinkBubble({ editor }: { editor: Editor }) {
  const href = useEditorState({ editor, selector: selectLink });
  return (
    <BubbleMenu
      editor={editor}
      pluginKey="tandemLinkBubble"
      shouldShow={({ editor: e, view }) => view.hasFocus() && e.isActive('link')}
      options={{ placement: 'bottom-start' }}
      className="tandem-linkbubble"
      role="group"
      aria-label="Link"
    >
      {href !== null && (
        <>
          <a className="tandem-linkbubble__href" href={href} target="_blank" rel="noopener noreferrer" title={href}>
            {href.replace(/^mailto:/, '')}
          </a>
          <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => openLink(href)}>
            Open
          </button>
          {editor.isEditable && (
            <>
              <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => requestFromEditor(editor, 'link')}>
                Edit
              </button>
              <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => editor.chain().focus().extendMarkRange('link').unsetLink().run()}>
                Remove
              </button>
            </>
          )}
        </>
      )}
    </BubbleMenu>
  );
}
