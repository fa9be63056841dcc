/**
 * The one way the dashboard builds DOM: `h()` creates an element whose string children become text
 * nodes. Nothing here (or anywhere in the dashboard) parses markup from a string, so a value from the API —
 * a model description, a log line, an error message — is always shown as text, never parsed as HTML.
 *
 * @example
 *   h('p', { class: 'muted' }, 'Model ', h('code', {}, model.name), ' has no versions.')
 */

/** What may be passed as a child: strings and numbers become text; null/undefined/false are skipped. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

type Listener = (event: Event) => void;

/** Attributes (set with `setAttribute`), `on<event>` listeners, and `class`. */
export type Props = Record<string, string | number | boolean | Listener | null | undefined>;

/** Appends children to `parent` (strings as text nodes). */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === 'string' || typeof child === 'number')
      parent.appendChild(document.createTextNode(String(child)));
    else if (child instanceof Node) parent.appendChild(child);
    else append(parent, ...child);
  }
}

/** Creates an element; `props` values of `true` set an empty attribute, `false`/null/undefined skip it. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') {
      el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    } else if (name === 'href' || name === 'src') {
      el.setAttribute(name, safeUrl(String(value)));
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, ...children);
  return el;
}

/** Replaces every child of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/**
 * Only in-page routes (`#/…`), relative paths and http(s) URLs may become links: a `javascript:` or
 * `data:` URL from the API must never be clickable.
 */
export function safeUrl(url: string): string {
  if (url.startsWith('#') || url.startsWith('./') || url.startsWith('/')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : '#';
  } catch {
    return '#';
  }
}

/** An SVG icon from a path (24×24 view box), hidden from assistive technology. */
export function icon(path: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', path);
  svg.appendChild(p);
  return svg;
}
