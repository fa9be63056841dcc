/** A page that lists one kind of named resource: the commands that create the first one, or a table sorted by name. */
import type { List } from '../api/types';
import { curlAndCli } from '../commands';
import { h, replace } from '../ui/dom';
import { hashFor } from '../router';
import { dataTable, emptyState, errorBox, link, loading, type Column } from '../ui/widgets';
import type { Page, PageContext } from './page';

export interface NamedListPage<T extends { name: string }> {
  /** Heading and document title. */
  title: string;
  /** The API collection listed (`/api/COLLECTION`); each name links to its page (`#/COLLECTION/NAME`). */
  collection: string;
  /** The table's caption for screen readers (default: the title). */
  caption?: string;
  /** The columns after the name. */
  columns: Column<T>[];
  /** What the page says when there are none, with the curl and CLI lines that create one. */
  empty: { title: string; text: string; commands: (ctx: PageContext) => { curl: string; cli: string } };
  /** What failed, when the list cannot be read. */
  failure: string;
}

export function namedListPage<T extends { name: string }>(spec: NamedListPage<T>): Page {
  return (root, ctx) => {
    ctx.title(spec.title);
    const body = h('div', {}, loading());
    root.append(h('h1', {}, spec.title), body);
    const nameColumn: Column<T> = {
      label: 'Name',
      cell: (item) => link(hashFor([spec.collection, item.name]), item.name),
    };
    ctx.api.get<List<T>>(`/api/${spec.collection}`).then(
      ({ value }) => {
        if (value.length === 0) {
          const { title, text, commands } = spec.empty;
          replace(body, emptyState(title, text, curlAndCli(commands(ctx))));
          return;
        }
        const sorted = [...value].sort((a, b) => a.name.localeCompare(b.name));
        replace(body, dataTable(spec.caption ?? spec.title, [nameColumn, ...spec.columns], sorted));
      },
      (error: unknown) => replace(body, errorBox(error, spec.failure)),
    );
  };
}
