/**
 * The dashboard's entry: sign-in when there is no key in this tab's session, otherwise the shell
 * (navigation, sign-out) around the page the URL hash names.
 */
import './styles.css';
import { ApiClient } from './api/client';
import { forgetKey, storedKey, storeKey } from './api/session';
import { endpointPage } from './pages/endpoint';
import { endpointsPage } from './pages/endpoints';
import { modelPage } from './pages/model';
import { modelsPage } from './pages/models';
import { overviewPage } from './pages/overview';
import type { Page, PageContext } from './pages/page';
import { pipelinesPage } from './pages/pipelines';
import { runPage } from './pages/run';
import { runsPage } from './pages/runs';
import { renderSignIn } from './pages/signIn';
import { matchRoute, parseHash, type RouteDef } from './router';
import { h, icon, replace } from './ui/dom';
import { ICONS } from './ui/widgets';

const ROUTES: readonly RouteDef<Page>[] = [
  { pattern: '', page: overviewPage },
  { pattern: 'models', page: modelsPage },
  { pattern: 'models/:name', page: modelPage },
  { pattern: 'endpoints', page: endpointsPage },
  { pattern: 'endpoints/:name', page: endpointPage },
  { pattern: 'runs', page: runsPage },
  { pattern: 'runs/:id', page: runPage },
  { pattern: 'pipelines', page: pipelinesPage },
];

const NAV = [
  { href: '#/', section: '', label: 'Overview', icon: ICONS.overview },
  { href: '#/models', section: 'models', label: 'Models', icon: ICONS.models },
  { href: '#/endpoints', section: 'endpoints', label: 'Endpoints', icon: ICONS.endpoints },
  { href: '#/runs', section: 'runs', label: 'Runs', icon: ICONS.runs },
  { href: '#/pipelines', section: 'pipelines', label: 'Pipelines', icon: ICONS.pipelines },
] as const;

const root = document.getElementById('app')!;
let leavePage: (() => void) | undefined;
let shell: { main: HTMLElement; links: HTMLAnchorElement[] } | undefined;

function signOut(notice?: string): void {
  leavePage?.();
  leavePage = undefined;
  shell = undefined;
  forgetKey();
  renderSignIn(root, signedIn, notice);
}

function signedIn(key: string): void {
  storeKey(key);
  buildShell();
  show();
}

const api = new ApiClient({
  key: storedKey,
  onUnauthorized: () =>
    signOut('Your function key was refused (401 Unauthorized): it may have been changed. Sign in again.'),
});

function buildShell(): void {
  const links = NAV.map((n) =>
    h('a', { href: n.href, class: 'nav-link', 'data-section': n.section }, icon(n.icon), h('span', {}, n.label)),
  );
  const main = h('main', { id: 'main', class: 'main', tabindex: -1 });
  // Named by aria-label too: on a phone the word is hidden and only the icon shows.
  const out = h(
    'button',
    {
      type: 'button',
      class: 'button ghost small sign-out',
      title: 'Sign out (forget the key in this tab)',
      'aria-label': 'Sign out',
    },
    icon(ICONS.signOut),
    h('span', {}, 'Sign out'),
  );
  out.addEventListener('click', () => signOut('Signed out.'));
  replace(
    root,
    h('a', { href: '#main', class: 'skip-link' }, 'Skip to content'),
    h(
      'header',
      { class: 'top' },
      h(
        'a',
        { href: '#/', class: 'brand', 'aria-label': 'Sibyl overview' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'Σ'),
        h('span', {}, 'Sibyl'),
      ),
      h('nav', { 'aria-label': 'Sections' }, h('ul', {}, ...links.map((l) => h('li', {}, l)))),
      out,
    ),
    main,
  );
  // The skip link targets the main region without changing the route hash.
  root.querySelector('.skip-link')!.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  shell = { main, links };
}

function show(): void {
  if (!shell) return;
  leavePage?.();
  leavePage = undefined;
  const hash = location.hash || '#/';
  const section = parseHash(hash).segments[0] ?? '';
  for (const l of shell.links) {
    if (l.dataset.section === section) l.setAttribute('aria-current', 'page');
    else l.removeAttribute('aria-current');
  }
  const main = shell.main;
  main.replaceChildren();
  const match = matchRoute(ROUTES, hash);
  const ctx: PageContext = {
    api,
    params: match?.params ?? {},
    query: match?.query ?? new URLSearchParams(),
    origin: location.origin,
    navigate: (to, replaceEntry = false) => {
      if (replaceEntry) {
        history.replaceState(null, '', to);
        show();
      } else location.hash = to;
    },
    title: (text) => {
      document.title = `${text} · Sibyl`;
    },
  };
  if (!match) {
    ctx.title('Not found');
    replace(
      main,
      h('h1', {}, 'Page not found'),
      h('p', {}, 'Nothing lives at ', h('code', {}, hash), '. ', h('a', { href: '#/' }, 'Go to the overview'), '.'),
    );
    return;
  }
  leavePage = match.page(main, ctx) ?? undefined;
}

window.addEventListener('hashchange', () => {
  show();
  // Move focus to the new content so keyboard and screen-reader users start there.
  shell?.main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
});

if (storedKey()) {
  buildShell();
  show();
} else {
  renderSignIn(root, signedIn);
}
