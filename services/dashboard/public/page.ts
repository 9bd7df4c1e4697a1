// What every page shares: the header and navigation, the sign-in with an API key, the busy
// flag, the error line.
import { ApiError, forgetKey, getJson, storedKey, storeKey } from './api.ts';
import { h, useCurrency } from './format.ts';

const PAGES = [
  ['index.html', 'Equity and ROC'],
  ['customer.html', 'Customer'],
  ['projections.html', 'Projections'],
  ['health.html', 'Ledger health'],
] as const;

/** The header, the sign-in form and the error region, the same on every page. */
const buildChrome = (): void => {
  const here = location.pathname.split('/').pop() || 'index.html';
  const nav = h('nav', { 'aria-label': 'Dashboard' }, h('ul', {}, ...PAGES.map(([href, label]) => h('li', {}, h('a', { href, 'aria-current': href === here ? 'page' : undefined }, label)))));
  const signOut = h('button', { type: 'button', id: 'sign-out', hidden: true }, 'Sign out');
  document.getElementById('top')!.replaceChildren(h('p', { class: 'brand' }, 'roc-ledger'), nav, signOut);
  const form = h(
    'form',
    { id: 'sign-in', hidden: true, 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    h('p', { id: 'sign-in-message' }, 'Enter an API key with the read scope (roc-ledger keys create --scope read). It is kept in this tab only.'),
    h('label', { for: 'api-key' }, 'API key'),
    h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', required: true }),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  const main = document.getElementById('main')!;
  main.prepend(form, h('p', { id: 'error', role: 'alert', class: 'error', hidden: true }));
};

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
};
export { byId };

/** Shows an error in the page's alert region, or clears it. */
export const showError = (error: unknown): void => {
  const region = byId('error');
  region.textContent = error === undefined ? '' : error instanceof ApiError ? `${error.message} (${error.code})` : String(error instanceof Error ? error.message : error);
  region.hidden = error === undefined;
};

let currencySet: Promise<void> | undefined;
/** Money on the page in the ledger's reporting currency (GET /v1/ledger): asked once per page load, again after a failure. */
export const useLedgerCurrency = (): Promise<void> =>
  (currencySet ??= getJson<{ reportingCurrency: string; minorUnitDigits: number }>('/v1/ledger').then(
    (settings) => useCurrency(settings.reportingCurrency, settings.minorUnitDigits),
    (error: unknown) => {
      currencySet = undefined;
      throw error;
    },
  ));

let busy = 0;
/**
 * Runs a load with the page marked busy (body[data-busy], aria-busy on main), its error shown.
 * A 401 forgets the key and asks for another.
 */
export const loading = async (work: () => Promise<void>): Promise<void> => {
  busy += 1;
  document.body.dataset.busy = 'true';
  byId('main').setAttribute('aria-busy', 'true');
  try {
    await work();
    showError(undefined);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetKey();
      askForKey('That key was refused. Enter an API key with the read scope.');
    }
    showError(error);
  } finally {
    busy -= 1;
    if (busy === 0) {
      document.body.dataset.busy = 'false';
      byId('main').setAttribute('aria-busy', 'false');
    }
  }
};

let onSignedIn: (() => void) | undefined;

const askForKey = (message?: string): void => {
  const form = byId<HTMLFormElement>('sign-in');
  form.hidden = false;
  if (message) byId('sign-in-message').textContent = message;
  byId<HTMLInputElement>('api-key').focus();
};

/** Starts the page once there is a key in this tab's session, asking for one first if not. */
export const startPage = (start: () => void): void => {
  buildChrome();
  onSignedIn = start;
  const form = byId<HTMLFormElement>('sign-in');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('api-key');
    if (!input.value.trim()) return;
    storeKey(input.value.trim());
    input.value = '';
    form.hidden = true;
    byId('sign-out').hidden = false;
    onSignedIn?.();
  });
  byId('sign-out').addEventListener('click', () => {
    forgetKey();
    location.reload();
  });
  if (storedKey()) {
    byId('sign-out').hidden = false;
    start();
  } else {
    document.body.dataset.busy = 'false';
    askForKey();
  }
};
