import { useEditorState, type Editor } from '@tiptap/react';
import { BubbleMenu, type BubbleMenuProps } from '@tiptap/react/menus';
import { memo } from 'react';
import { openLink, requestFromEditor } from '../content/keys';

function selectLink({ editor }: { editor: Editor }): string | null {
  if (!editor.isActive('link')) return null;
  const href = editor.getAttributes('link').href as unknown;
  return typeof href === 'string' ? href : null;
}

// Module constants: BubbleMenu dispatches a transaction whenever these props change identity.
const shouldShow: NonNullable<BubbleMenuProps['shouldShow']> = ({ editor, view }) => view.hasFocus() && editor.isActive('link');
const OPTIONS: BubbleMenuProps['options'] = { placement: 'bottom-start' };

/**
 * On a link under the caret: its address, and Open, Edit, Remove (Google Docs' link chip). A
 * plain click puts the caret in the link; Ctrl+click opens it (keys.ts).
 */
export const LinkBubble = memo(function LinkBubble({ editor }: { editor: Editor }) {
  const href = useEditorState({ editor, selector: selectLink });
  return (
    <BubbleMenu
      editor={editor}
      pluginKey="tandemLinkBubble"
      shouldShow={shouldShow}
      options={OPTIONS}
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
});
