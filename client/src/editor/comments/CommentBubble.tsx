import { type Editor } from '@tiptap/react';
import { BubbleMenu, type BubbleMenuProps } from '@tiptap/react/menus';
import { TextSelection } from '@tiptap/pm/state';
import { memo } from 'react';
import { commentsKey, startComment } from './commentTools';

// Module constants: BubbleMenu dispatches a transaction whenever these props change identity.
// A commenter's page is not editable, so it never has focus: a selection is enough there.
const shouldShow: NonNullable<BubbleMenuProps['shouldShow']> = ({ editor, view, state }) =>
  (view.hasFocus() || !editor.isEditable) && state.selection instanceof TextSelection && !state.selection.empty && !commentsKey.getState(state)?.draft;
const OPTIONS: BubbleMenuProps['options'] = { placement: 'top' };

/** On selected text: the Comment button (also Ctrl+Alt+M), for writers and commenters alike. */
export const CommentBubble = memo(function CommentBubble({ editor }: { editor: Editor }) {
  return (
    <BubbleMenu editor={editor} pluginKey="tandemCommentBubble" shouldShow={shouldShow} options={OPTIONS} className="tandem-commentbubble" role="group" aria-label="Selection">
      <button type="button" title="Comment (Ctrl+Alt+M)" onMouseDown={(e) => e.preventDefault()} onClick={() => startComment(editor)}>
        Comment
      </button>
    </BubbleMenu>
  );
});
