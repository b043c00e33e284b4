import MiniSearch, { type Options, type SearchResult } from 'minisearch';
import type { SearchText } from '../storage/kinds/search.js';
import { termsOf } from './query.js';

/** A title match counts this many times a match in the text. */
const TITLE_BOOST = 3;

/** What the index holds per document (the text itself stays in the store: snippets read it there). */
interface Entry {
  id: string;
  title: string;
  text: string;
}

/** One ranked match: the document, its title and the index's terms that matched. */
export interface Hit {
  name: string;
  title: string;
  terms: string[];
}

const OPTIONS: Options<Entry> = {
  fields: ['title', 'text'],
  storeFields: ['title'],
  tokenize: termsOf,
  // Terms come out of termsOf normalised already.
  processTerm: (term) => term,
  searchOptions: {
    boost: { title: TITLE_BOOST },
    combineWith: 'AND',
    // The word being typed may be unfinished; the others are whole words.
    prefix: (_term, i, terms) => i === terms.length - 1,
  },
};

/**
 * The full-text index of this instance's documents (MiniSearch, in memory), ranked by BM25 over
 * titles and text. Serialized whole to be stored (SearchIndexer decides when), loaded back at
 * start. The server keeps it in a thread of its own (index.worker.ts, IndexThread).
 */
export class SearchIndex {
  private constructor(private readonly index: MiniSearch<Entry>) {}

  static empty(): SearchIndex {
    return new SearchIndex(new MiniSearch(OPTIONS));
  }

  /** An index as `serialize` wrote it. Throws when it is not one. */
  static load(json: string): SearchIndex {
    return new SearchIndex(MiniSearch.loadJSON(json, OPTIONS));
  }

  serialize(): string {
    return JSON.stringify(this.index);
  }

  get size(): number {
    return this.index.documentCount;
  }

  /** Adds the document, or replaces what was indexed of it. */
  put(name: string, text: SearchText): void {
    if (this.index.has(name)) this.index.discard(name);
    this.index.add({ id: name, title: text.title, text: text.text });
  }

  remove(name: string): void {
    if (this.index.has(name)) this.index.discard(name);
  }

  /** The best `limit` documents for `query` (normalised) among those `mayRead` allows. */
  search(query: string, limit: number, mayRead: (name: string) => boolean): Hit[] {
    return this.index.search(query, { filter: (r) => mayRead(r.id as string) }).slice(0, limit).map(hitOf);
  }

  /**
   * Every document matching `query` (normalised), best first: `search` without the filter, for a
   * caller that filters as it reads them (the index's thread, IndexThread). The order is the same,
   * since a filter does not change the scores.
   */
  rank(query: string): Hit[] {
    return this.index.search(query).map(hitOf);
  }
}

function hitOf(r: SearchResult): Hit {
  return { name: r.id as string, title: (r.title as string | undefined) ?? '', terms: r.terms };
}
