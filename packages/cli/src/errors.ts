import { RocLedgerError } from '@roc-ledger/events';

export const CliErrorCode = {
  notJson: 'IMPORT_ERR_NOT_JSON',
  invalidDate: 'CLI_ERR_INVALID_DATE',
  invalidCustomer: 'CLI_ERR_INVALID_CUSTOMER',
  customerNotFound: 'CLI_ERR_CUSTOMER_NOT_FOUND',
  invalidConfig: 'CLI_ERR_INVALID_CONFIG',
  invalidScope: 'CLI_ERR_INVALID_KEY_REQUEST',
  unknownKey: 'CLI_ERR_UNKNOWN_KEY',
  invalidOutput: 'CLI_ERR_INVALID_OUTPUT',
  invalidProof: 'CLI_ERR_INVALID_PROOF_REQUEST',
  invalidPurpose: 'CLI_ERR_INVALID_PURPOSE',
  serviceRunning: 'CLI_ERR_SERVICE_RUNNING',
  noLedger: 'CLI_ERR_NO_LEDGER',
  noTestFile: 'CLI_ERR_NO_TEST_FILE',
  fileExists: 'CLI_ERR_FILE_EXISTS',
  invalidProjectName: 'CLI_ERR_INVALID_PROJECT_NAME',
  unknownEventType: 'CLI_ERR_UNKNOWN_EVENT_TYPE',
} as const;

export class CliError extends RocLedgerError {}
