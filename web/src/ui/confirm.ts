/**
 * A modal confirmation (native `<dialog>`: focus stays inside, Escape cancels). Resolves true only
 * when the user presses the confirm button; Cancel is focused first so Enter does not destroy.
 */
import { h } from './dom';

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel: string;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
}

export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', class: 'button ghost', value: 'cancel' }, 'Cancel');
    const confirm = h(
      'button',
      { type: 'button', class: `button ${options.danger ? 'danger' : 'primary'}`, value: 'confirm' },
      options.confirmLabel,
    );
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-message' },
      h('h2', { id: 'confirm-title' }, options.title),
      h('p', { id: 'confirm-message' }, options.message),
      h('div', { class: 'dialog-actions' }, cancel, confirm),
    );
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    confirm.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
