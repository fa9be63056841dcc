/**
 * Sign-in: asks for the function key once, checks it against the API before keeping it, and says
 * plainly when it is refused or when Sibyl cannot be reached.
 */
import { ApiError, checkKey } from '../api/client';
import { h, replace } from '../ui/dom';

export function renderSignIn(root: HTMLElement, onSignedIn: (key: string) => void, notice?: string): void {
  const input = h('input', {
    id: 'function-key',
    name: 'function-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'key-help key-error',
  });
  const error = h('p', { id: 'key-error', class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in card', novalidate: true },
    h('h1', {}, 'Sign in to Sibyl'),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    h('label', { for: 'function-key' }, 'Function key'),
    input,
    h(
      'p',
      { id: 'key-help', class: 'muted small' },
      'The app’s function key: locally, the one `npm start` prints in its banner (also in local.settings.json); ' +
        'in Azure, from the Function App’s “App keys”. It is kept in this browser tab only.',
    ),
    error,
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = 'Enter the function key.';
      input.focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Checking…';
    error.textContent = '';
    checkKey(key).then(
      () => onSignedIn(key),
      (e: unknown) => {
        button.disabled = false;
        button.textContent = 'Sign in';
        error.textContent =
          e instanceof ApiError && e.status === 401
            ? 'That key was refused (401 Unauthorized). Check that you copied the whole function key of this app.'
            : `Could not check the key: ${e instanceof Error ? e.message : String(e)}`;
        input.select();
        input.focus();
      },
    );
  });
  replace(
    root,
    h(
      'main',
      { id: 'main', class: 'sign-in-page' },
      h('div', { class: 'brand big' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'Σ'), 'Sibyl'),
      form,
    ),
  );
  document.title = 'Sign in · Sibyl';
  input.focus();
}
