// The formats of export and import, apart from the conversions (formats.ts), which load Tiptap,
// happy-dom and marked: those load only in the conversion worker, not at the server's start.

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const EXPORT_FORMATS = {
  md: { contentType: 'text/markdown; charset=utf-8', extension: 'md' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
  json: { contentType: 'application/json', extension: 'json' },
  yjs: { contentType: 'application/vnd.yjs.doc', extension: 'yjs' },
  txt: { contentType: 'text/plain; charset=utf-8', extension: 'txt' },
  docx: { contentType: DOCX_TYPE, extension: 'docx' },
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

export const IMPORT_TYPES = { 'text/markdown': 'markdown', 'text/html': 'html', 'application/vnd.yjs.doc': 'yjs', [DOCX_TYPE]: 'docx' } as const;
export type ImportKind = (typeof IMPORT_TYPES)[keyof typeof IMPORT_TYPES];
export type ImportMode = 'replace' | 'append';


/**
 * How an export shows pending suggestions: `accepted`, the accepted text (the default);
 * `shown` (`&suggestions=show`), the suggestions too (review/suggestions.ts).
 */
export type SuggestionsView = 'accepted' | 'shown';

export function suggestionsViewOf(query: URLSearchParams): SuggestionsView | undefined {
  const value = query.get('suggestions');
  return value === null ? 'accepted' : value === 'show' ? 'shown' : undefined;
}
