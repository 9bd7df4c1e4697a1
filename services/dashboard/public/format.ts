// How figures read on the pages: money in the reporting currency, rates as percentages, UTC times.

const count = new Intl.NumberFormat('en-GB');

let money: Intl.NumberFormat;
let exactMoney: Intl.NumberFormat;
let minorDigits: number;

/** The ledger's reporting currency (GET /v1/ledger), set by the page before it shows money (EUR until then): figures are in its major units. */
export const useCurrency = (code: string, minorUnitDigits: number): void => {
  minorDigits = minorUnitDigits;
  money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: code, maximumFractionDigits: 0 });
  exactMoney = new Intl.NumberFormat('en-GB', { style: 'currency', currency: code, minimumFractionDigits: minorUnitDigits, maximumFractionDigits: minorUnitDigits });
};
useCurrency('EUR', 2);

/** A large figure (equity, cash flow) in whole units of the reporting currency. */
export const formatMoney = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : money.format(value));
export const formatCount = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : count.format(value));
export const formatPercent = (value: number | null | undefined, digits = 1): string => (value === null || value === undefined ? '–' : `${value.toFixed(digits)} %`);
/** An amount in the reporting currency's minor units, as an event holds it, to the last minor unit. */
export const formatMinor = (minor: number): string => exactMoney.format(minor / 10 ** minorDigits);
/** An ISO time as `YYYY-MM-DD HH:MM UTC`. */
export const formatTime = (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '–');
export const formatDate = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '–');

/** A duration in words, for "recorded 3 days late". */
export const formatDuration = (ms: number): string => {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
};

/** Creates an element with attributes and children (strings become text, never HTML). */
export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string | boolean | undefined>> = {}, ...children: (Node | string | null | undefined)[]): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== null && child !== undefined) element.append(child);
  return element;
};
