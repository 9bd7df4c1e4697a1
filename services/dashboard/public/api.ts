// The API as the pages use it: the reader's key from this tab's session, problems as errors.

const KEY_ITEM = 'roc-ledger.apiKey';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const storedKey = (): string | null => sessionStorage.getItem(KEY_ITEM);
export const storeKey = (key: string): void => sessionStorage.setItem(KEY_ITEM, key);
export const forgetKey = (): void => sessionStorage.removeItem(KEY_ITEM);

export type Params = Readonly<Record<string, string | number | undefined>>;

/** GET a JSON answer; a problem document (RFC 9457) becomes an ApiError with its code and detail. */
export const getJson = async <T>(path: string, params: Params = {}): Promise<T> => {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  const response = await fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${storedKey() ?? ''}` } });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw new ApiError(response.status, problem.code ?? `HTTP_${response.status}`, problem.detail ?? response.statusText);
  }
  return (await response.json()) as T;
};
