/**
 * A document's title (DESIGN.md, "Contract — workspace"): a root Y.Text apart from the body, so
 * that it syncs live, works offline and is part of every version, without being content a
 * heading has to carry. The API gives '' until it is set; people see UNTITLED instead.
 */
export const TITLE = 'title';

/** Longest title, in characters (code points), for the API and the editor alike. */
export const MAX_TITLE_CHARS = 200;

/** What a document without a title is called wherever people see it. */
export const UNTITLED = 'Untitled document';
