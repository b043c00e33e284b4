import type { CompareAuthorship, CompareResult } from './compare.js';
import type { Digest } from './digest.js';
import type { DocxImport, DocxImportLimits } from './docx/import.js';
import type { ExportFormat, ImportKind, ImportMode, SuggestionsView } from './formatTypes.js';

/**
 * The nice value a conversion worker gives its own thread (Linux: nice is per thread). At 10 its
 * CPU weight is a ninth of the event loop's (110 against 1024), so ten exports leave typing on
 * other documents as it was (H: p99 6–8 ms during them, 8–9 alone). Not 19 (a 68th): when the
 * host was busy with anything else, conversions starved — an export's p50 went from 4.7 ms to
 * 490 ms beside four busy processes on two cores (34 ms at 10), and a stop waited 10 s on the
 * last versions.
 */
export const CONVERSION_NICE = 10;

/** What the conversion worker does, and what each job answers. */
export type Job =
  | { op: 'export'; state: Uint8Array; format: ExportFormat; title: string; suggestions: SuggestionsView }
  | { op: 'import'; state: Uint8Array; kind: ImportKind; body: Uint8Array; mode: ImportMode }
  | { op: 'restore'; state: Uint8Array; version: Uint8Array }
  | { op: 'digest'; state: Uint8Array }
  /** The document's own files its images show (a .docx export embeds them). */
  | { op: 'docxImages'; state: Uint8Array; name: string }
  | { op: 'exportDocx'; state: Uint8Array; title: string; name: string; images: Map<string, Uint8Array> }
  | { op: 'importDocx'; state: Uint8Array; body: Uint8Array; mode: ImportMode; name: string; limits: DocxImportLimits }
  /** Uploaded files a state refers to (files/fileRefs.ts), and the state's state vector. */
  | { op: 'fileRefs'; state: Uint8Array }
  /** Stored updates as one snapshot (a room's compaction: rooms/mergeStored.ts); their buffers are handed over. */
  | { op: 'merge'; updates: Uint8Array[] }
  /** Two states as one document with what changed marked and attributed (history/compare.ts). */
  | { op: 'compare'; older: Uint8Array; newer: Uint8Array; authorship: CompareAuthorship };

export interface JobValue {
  export: Uint8Array | string;
  import: Uint8Array;
  restore: Uint8Array;
  digest: Digest;
  docxImages: string[];
  exportDocx: Uint8Array;
  importDocx: { update: Uint8Array; files: DocxImport['files']; notes: string[] };
  fileRefs: { refs: string[]; stateVector: Uint8Array };
  compare: CompareResult;
  merge: Uint8Array;
}

/** `started`: the worker has begun the job (the timeout counts from then, not from a worker's start-up). */
export type JobResult = { id: number; started: true } | { id: number; ok: true; value: unknown } | { id: number; ok: false; bad: boolean; status?: 400 | 413 | 415 | 422; message: string };
