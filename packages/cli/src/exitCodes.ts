/** Process exit codes of `roc-ledger`; documented in docs/cli.md. */
export const ExitCode = {
  ok: 0,
  internalError: 1,
  usage: 2,
  inputRejected: 3,
  integrityFailed: 4,
  storeError: 5,
  notFound: 6,
  /** project diff: the two projections' states differ. */
  differs: 7,
  /** project test: a test failed, or none ran. */
  testsFailed: 8,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
