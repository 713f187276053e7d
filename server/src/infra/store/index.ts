/**
 * The store adapter: every difference between MongoDB 7 and FerretDB 1.24 that domain code would
 * otherwise work around, chosen from what the server reports at connect time (see README.md).
 */
export { detectStore, storeKind, useStoreKind, kindFromBuildInfo, type StoreKind } from './kind.js';
export { findIn, findAmong, type FieldMatch } from './lookups.js';
export { isDuplicateKey } from './duplicate-key.js';
export { countsInStore } from './tallies.js';
export {
  asHousekeeping,
  countStoreCommands,
  storeCommandsOf,
  watchStoreCommands,
  profileStoreCommands,
  describeCommand,
  operationKind,
  type StoreCounter,
  type StoreCounts,
  type OperationKind,
} from './counters.js';
