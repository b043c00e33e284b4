import { useEffect, useMemo, useRef, useState } from 'react';
import type { Comparison } from './compareApi';
import { compareSchema, renderComparison } from './compareRender';
import { loadImages } from './loadImages';

function describe(c: Comparison, i: number): string {
  const change = c.changes[i]!;
  const who = change.authors.map((a) => c.authors[a]?.name ?? 'Unknown').join(', ');
  const parts = [change.deleted && `deleted “${change.deleted.trim()}”`, change.inserted && `added “${change.inserted.trim()}”`].filter(Boolean);
  return `${who}: ${parts.join(', ') || 'changed'}`;
}

/**
 * Two versions as one document (`data-compare`): what the newer one added underlined and what
 * it removed struck through, at character level, coloured by author; below, the list of changes
 * with Previous and Next, each change scrolled into view and outlined.
 */
export function CompareView({ comparison, title, imageSrc, fetchInit }: { comparison: Comparison; title: string; imageSrc: (src: string) => string; fetchInit: (url: string) => RequestInit | undefined }) {
  const root = useRef<HTMLDivElement>(null);
  const schema = useMemo(() => compareSchema(imageSrc), [imageSrc]);
  const [current, setCurrent] = useState<number | null>(null);
  const count = comparison.changes.length;

  useEffect(() => {
    setCurrent(null);
    root.current?.replaceChildren(renderComparison(schema, comparison, window.document));
    return loadImages(root.current, fetchInit);
  }, [schema, comparison, fetchInit]);

  useEffect(() => {
    const el = root.current;
    if (!el) return;
    for (const old of el.querySelectorAll('[data-current]')) old.removeAttribute('data-current');
    if (current === null) return;
    const marked = el.querySelectorAll(`[data-change="${current}"]`);
    for (const m of marked) m.setAttribute('data-current', 'true');
    marked[0]?.scrollIntoView({ block: 'center' });
  }, [current, comparison]);

  const step = (by: number) => setCurrent((c) => (count === 0 ? null : c === null ? (by > 0 ? 0 : count - 1) : (c + by + count) % count));

  return (
    <section className="tandem-compare" aria-label={title}>
      <div className="tandem-compare__bar">
        <span role="status" className="tandem-compare__count">
          {count === 0 ? 'No changes' : current === null ? `${count} change${count === 1 ? '' : 's'}` : `Change ${current + 1} of ${count}`}
        </span>
        <button type="button" onClick={() => step(-1)} disabled={count === 0} aria-label="Previous change">‹ Previous</button>
        <button type="button" onClick={() => step(1)} disabled={count === 0} aria-label="Next change">Next ›</button>
      </div>
      <ul className="tandem-compare__authors" aria-label="Authors">
        {comparison.authors.map((a, i) => (
          <li key={i} data-author-index={i % 8}>{a.name}</li>
        ))}
      </ul>
      <div ref={root} className="tandem-doc tandem-history__doc" data-compare="" />
      {count > 0 && (
        <ol className="tandem-compare__changes" aria-label="Changes">
          {comparison.changes.map((c, i) => (
            <li key={c.id}>
              <button type="button" aria-current={current === i ? 'true' : undefined} data-change-item={c.id} onClick={() => setCurrent(i)}>
                {describe(comparison, i)}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
