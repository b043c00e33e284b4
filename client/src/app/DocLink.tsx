import { UNTITLED } from '@tandem/schema';
import { docPath } from './routes';

/**
 * A link to a document on the home page: its title ("Untitled document" until it has one), then
 * its name and `meta` (when it was opened or edited). A plain click navigates inside the app;
 * modified clicks open a tab as links do.
 */
export function DocLink({ name, title, meta, navigate }: { name: string; title: string; meta: string; navigate: (path: string) => void }) {
  return (
    <a
      href={docPath(name)}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(docPath(name));
      }}
    >
      <span className="home__title">{title || UNTITLED}</span>
      <span className="home__meta">
        {name} · {meta}
      </span>
    </a>
  );
}
