import { useCallback, useEffect, useState } from 'react';
import { DocumentPage } from './DocumentPage';
import { HomePage } from './HomePage';
import { randomDocName } from './names';
import { docPath, parseRoute, type Route } from './routes';
import { loadRecent } from './storage';

/** `/` with nothing to reopen starts a new document straight away; with history, it lists it. */
function resolve(): Route {
  const route = parseRoute(window.location.pathname);
  if (route.kind === 'home' && loadRecent().length === 0 && !(history.state as { home?: boolean } | null)?.home) {
    const name = randomDocName();
    history.replaceState(null, '', docPath(name) + window.location.search);
    return { kind: 'doc', name };
  }
  return route;
}

export function App() {
  const [route, setRoute] = useState<Route>(resolve);

  useEffect(() => {
    const handlePop = () => setRoute(resolve());
    window.addEventListener('popstate', handlePop);
    return () => window.removeEventListener('popstate', handlePop);
  }, []);

  const navigate = useCallback((path: string) => {
    history.pushState(path === '/' ? { home: true } : null, '', path);
    setRoute(resolve());
  }, []);

  useEffect(() => {
    if (route.kind === 'home') document.title = 'Tandem';
  }, [route]);

  return route.kind === 'doc' ? <DocumentPage key={route.name} name={route.name} navigate={navigate} /> : <HomePage navigate={navigate} />;
}
