/**
 * Limits on what one import may hold, checked on the raw text before any parser sees it. Tiptap's
 * Markdown tokenizers are quadratic in the number of blocks (each table tokenizer attempt scans
 * the rest of the input): 8,000 one-word paragraphs take ~18 s on a 2-core machine, 150,000 empty
 * ones (450 KB) take hours, and so does a table with 2,000 columns. HTML parsing grows the same
 * way, slower. The conversion timeout (CONVERSION_TIMEOUT_MS) stops whatever still gets through;
 * these limits answer the obvious cases at once with a reason (400) instead of a worker's 20 s.
 */
export const MAX_IMPORT_BLOCKS = 5000;
export const MAX_IMPORT_TABLE_CELLS = 5000;
export const MAX_IMPORT_TABLE_COLUMNS = 100;

/** Thrown with the reason an import is over a limit. */
export type LimitFailure = (reason: string) => Error;

function countMatches(text: string, re: RegExp): number {
  let n = 0;
  re.lastIndex = 0;
  while (re.exec(text)) n++;
  return n;
}

/** Throws `fail(reason)` when `text` (Markdown or HTML) is over one of the limits. */
export function checkImportLimits(kind: 'markdown' | 'html', text: string, fail: LimitFailure): void {
  let blocks: number;
  let cells: number;
  let columns = 0;
  if (kind === 'markdown') {
    blocks = 0;
    cells = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      blocks++; // every block has at least one line with something on it
      const pipes = countMatches(line, /\|/g);
      if (pipes > 0) {
        cells += pipes;
        columns = Math.max(columns, pipes - 1);
      }
    }
  } else {
    blocks = countMatches(text, /<(p|h[1-6]|li|div|blockquote|pre|tr|hr|br|img)\b/gi);
    cells = countMatches(text, /<t[dh]\b/gi);
    for (const row of text.split(/<tr\b/i).slice(1)) columns = Math.max(columns, countMatches(row.split(/<\/tr>/i)[0]!, /<t[dh]\b/gi));
  }
  const what = kind === 'markdown' ? 'Markdown' : 'HTML';
  if (blocks > MAX_IMPORT_BLOCKS) throw fail(`the ${what} has ${blocks} blocks (paragraphs, lines, items); at most ${MAX_IMPORT_BLOCKS} can be imported at once`);
  if (columns > MAX_IMPORT_TABLE_COLUMNS) throw fail(`the ${what} has a table row of ${columns} cells; at most ${MAX_IMPORT_TABLE_COLUMNS} columns can be imported`);
  if (cells > MAX_IMPORT_TABLE_CELLS) throw fail(`the ${what} has ${cells} table cells; at most ${MAX_IMPORT_TABLE_CELLS} can be imported at once`);
}
