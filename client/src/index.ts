// Library entry for embedders: `import { TandemEditor } from '@tandem/client'`.
export { TandemEditor } from './editor/TandemEditor';
export { HistoryPanel, type HistoryPanelProps } from './editor/HistoryPanel';
export { FileMenu, type FileMenuProps } from './editor/FileMenu';
export { offlineStoreName } from './editor/useCollaboration';
export { TERMINAL_CLOSE_CODES } from './editor/closeCodes';
export type { TandemEditorProps, TandemStatus, TandemUser, TandemAccess } from './editor/types';
