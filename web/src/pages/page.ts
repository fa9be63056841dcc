/** What every page gets, and what it gives back. */
import type { ApiClient } from '../api/client';

export interface PageContext {
  api: ApiClient;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Where the API lives (for the curl lines in empty states). */
  origin: string;
  /** Changes the hash without adding a history entry when `replace` (e.g. a filter change). */
  navigate(hash: string, replace?: boolean): void;
  /** Sets the document title and the page heading. */
  title(text: string): void;
}

/** Renders into `root`; may return a function that stops timers when the page is left. */
export type Page = (root: HTMLElement, ctx: PageContext) => void | (() => void);
