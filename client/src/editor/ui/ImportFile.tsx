import { useEffect, useRef } from 'react';
import { ApiFailure, TandemApi, type ImportMode } from '../api/TandemApi';
import './import.css';

/** What the File menu imports, by extension (the server reads the type from Content-Type). */
const TYPES: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  md: 'text/markdown',
  markdown: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
};

export const IMPORT_ACCEPT = Object.keys(TYPES)
  .map((ext) => `.${ext}`)
  .join(',');

export function importType(fileName: string): string | undefined {
  const ext = fileName.split('.').pop()?.toLowerCase() ?? '';
  return Object.hasOwn(TYPES, ext) ? TYPES[ext] : undefined;
}

export interface ImportResult {
  ok: boolean;
  /** What to tell the person: done (with what did not come in as it was), or why not. */
  text: string;
}

/** Sends `file` to the import API; the change reaches the editor live, as any other. */
export async function importFile(place: { url: string; document: string; token?: string | undefined }, file: File, mode: ImportMode): Promise<ImportResult> {
  const type = importType(file.name);
  if (!type) return { ok: false, text: 'Only .docx, Markdown (.md) and HTML (.html) files can be imported.' };
  try {
    const { notes } = await TandemApi.forServer(place.url, place.token).doc(place.document).importFile(file, type, mode);
    return { ok: true, text: [`Imported ${file.name}.`, ...notes].join(' ') };
  } catch (err) {
    return { ok: false, text: `The import failed: ${err instanceof ApiFailure ? err.message : (err as Error).message}` };
  }
}

/** Asks whether the chosen file replaces the document or goes at its end. */
export function ImportChoice({ fileName, onChoose }: { fileName: string; onChoose: (mode: ImportMode | null) => void }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div className="tandem-filemenu__dialog" role="dialog" aria-label="Import" onKeyDown={(e) => e.key === 'Escape' && onChoose(null)}>
      <p>Import {fileName}:</p>
      <button ref={first} type="button" onClick={() => onChoose('replace')}>
        Replace the document
      </button>
      <button type="button" onClick={() => onChoose('append')}>
        Add at the end
      </button>
      <button type="button" onClick={() => onChoose(null)}>
        Cancel
      </button>
    </div>
  );
}
