// Library entry for embedders: `import { TandemEditor, useTandem } from '@tandem/client'` and
// `import '@tandem/client/style.css'` (the build ships the styles as their own file; see lib.ts).

export { TandemEditor } from './editor/TandemEditor';
export { useTandem } from './editor/useTandem';
export { Toolbar } from './editor/ui/Toolbar';
export { Presence } from './editor/ui/Presence';
export { StatusBadge, AccessNotice } from './editor/ui/StatusBadge';
export { HistoryPanel, type HistoryPanelProps } from './editor/ui/history/HistoryPanel';
export { FileMenu, type FileMenuProps } from './editor/ui/FileMenu';
export { TandemApi, ApiFailure } from './editor/api/TandemApi';
export { offlineStoreName } from './editor/sync/useCollaboration';
export { TERMINAL_CLOSE_CODES } from './editor/sync/closeCodes';
// What a useTandem host needs to show the editor, from the same @tiptap/react copy we use.
export { EditorContent, useEditorState } from '@tiptap/react';
export type {
  TandemEditorProps,
  TandemHandle,
  TandemStatus,
  TandemSaved,
  TandemToolbarRender,
  TandemUser,
  TandemAccess,
  UseTandemOptions,
} from './editor/types';
