export { buildProgram, exitCodeFor, main } from './main.ts';
export { ExitCode } from './exitCodes.ts';
export { runImport, type ImportItem, type ImportSummary, type Rejection } from './import/runImport.ts';
export { summarizeLedger, type LedgerSummary } from './commands/summary.ts';
