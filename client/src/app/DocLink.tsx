import { docPath } from './routes';

/**
 * A link to a document on the home page: its title (or name), then `meta` (when it was opened or
 * edited). A plain click navigates inside the app; modified clicks open a tab as links do.
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
      <span className="home__title">{title || name}</span>
      <span className="home__meta">
        {title ? `${name} · ` : ''}
        {meta}
      </span>
    </a>
  );
}
