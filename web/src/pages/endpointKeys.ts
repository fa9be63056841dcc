/**
 * The Keys tab: the endpoint's two keys, masked until revealed, copyable, and regenerable after a
 * confirmation (the old key stops working at once). A token-mode endpoint gets a "get a token"
 * button instead; an Entra ID endpoint has no keys to show.
 */
import { seg, type ApiClient } from '../api/client';
import type { Endpoint, EndpointKeys, EndpointToken } from '../api/types';
import { confirmDialog } from '../ui/confirm';
import { h, replace } from '../ui/dom';
import { formatDateTime } from '../ui/format';
import { copyButton, errorBox, keyValues, loading } from '../ui/widgets';

const MASK = '•'.repeat(24);

/** A secret shown as dots until its Show button is pressed. */
function maskedSecret(id: string, label: string, value: () => string): HTMLElement {
  const text = h('code', { id, class: 'secret', 'data-revealed': 'false' }, MASK);
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'button small ghost',
      'aria-pressed': 'false',
      'aria-controls': id,
      'aria-label': `Show ${label}`,
    },
    'Show',
  );
  toggle.addEventListener('click', () => {
    const reveal = text.dataset.revealed !== 'true';
    text.dataset.revealed = String(reveal);
    text.textContent = reveal ? value() : MASK;
    toggle.textContent = reveal ? 'Hide' : 'Show';
    toggle.setAttribute('aria-pressed', String(reveal));
    toggle.setAttribute('aria-label', `${reveal ? 'Hide' : 'Show'} ${label}`);
  });
  return h('span', { class: 'secret-row' }, text, toggle, copyButton(value, 'Copy'));
}

export function mountKeys(host: HTMLElement, api: ApiClient, endpoint: Endpoint): () => void {
  if (endpoint.authMode === 'aad') {
    host.append(
      h(
        'p',
        {},
        'This endpoint authenticates callers with Microsoft Entra ID access tokens; it has no keys to show. Callers send ',
        h('code', {}, 'Authorization: Bearer <Entra ID token>'),
        '.',
      ),
    );
    return () => undefined;
  }
  if (endpoint.authMode === 'token') {
    const out = h('div', { 'aria-live': 'polite' });
    const get = h('button', { type: 'button', class: 'button primary' }, 'Get a 1-hour token');
    get.addEventListener('click', () => {
      replace(out, loading('Requesting a token…'));
      api.send<EndpointToken>('POST', `/api/endpoints/${seg(endpoint.name)}/token`).then(
        (t) =>
          replace(
            out,
            keyValues([
              ['Token', maskedSecret('endpoint-token', 'token', () => t.accessToken)],
              ['Expires', formatDateTime(new Date(t.expiryTimeUtc * 1000).toISOString())],
              ['Refresh after', formatDateTime(new Date(t.refreshAfterTimeUtc * 1000).toISOString())],
            ]),
          ),
        (e: unknown) => replace(out, errorBox(e, 'Could not get a token')),
      );
    });
    host.append(
      h(
        'p',
        {},
        'This endpoint takes short-lived tokens (',
        h('code', {}, 'POST …/token'),
        '), sent as ',
        h('code', {}, 'Authorization: Bearer <token>'),
        '.',
      ),
      get,
      out,
    );
    return () => undefined;
  }

  let keys: EndpointKeys = { primaryKey: '', secondaryKey: '' };
  const notice = h('p', { class: 'notice', role: 'status', hidden: true });
  const body = h('div', {}, loading('Loading keys…'));
  host.append(notice, body);

  const regenerate = async (keyType: 'primary' | 'secondary') => {
    const ok = await confirmDialog({
      title: `Regenerate the ${keyType} key?`,
      message:
        `Callers using the current ${keyType} key of ${endpoint.name} will be refused at once (401). ` +
        'Give them the new key, or move them to the other key first.',
      confirmLabel: `Regenerate ${keyType} key`,
      danger: true,
    });
    if (!ok) return;
    try {
      keys = await api.send<EndpointKeys>('POST', `/api/endpoints/${seg(endpoint.name)}/keys/regenerate`, { keyType });
      render();
      notice.hidden = false;
      notice.textContent = `The ${keyType} key was regenerated; the old one no longer works.`;
    } catch (e) {
      notice.hidden = false;
      replace(notice, errorBox(e, `Could not regenerate the ${keyType} key`));
    }
  };

  const render = () => {
    const row = (type: 'primary' | 'secondary') => {
      const button = h(
        'button',
        { type: 'button', class: 'button small danger-ghost', 'data-regenerate': type },
        'Regenerate…',
      );
      button.addEventListener('click', () => void regenerate(type));
      return h(
        'span',
        { class: 'key-row' },
        maskedSecret(`${type}-key`, `${type} key`, () => (type === 'primary' ? keys.primaryKey : keys.secondaryKey)),
        button,
      );
    };
    replace(
      body,
      keyValues([
        ['Primary key', row('primary')],
        ['Secondary key', row('secondary')],
      ]),
      h(
        'p',
        { class: 'muted small' },
        'Callers send either key as ',
        h('code', {}, 'Authorization: Bearer <key>'),
        '. Rotate without downtime: move callers to the secondary key, regenerate the primary, move them back.',
      ),
    );
  };

  api.get<EndpointKeys>(`/api/endpoints/${seg(endpoint.name)}/keys`).then(
    (k) => {
      keys = k;
      render();
    },
    (e: unknown) => replace(body, errorBox(e, 'Could not load the keys')),
  );
  return () => undefined;
}
