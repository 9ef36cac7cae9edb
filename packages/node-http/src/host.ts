// The glue that imports nothing from Node at run time (only its types), for adapters that also run
// off Node: `@bouncer/hono` loads this on Bun, Deno and Workers, where a `node:*` import would fail
// to bundle or to load. Everything here is only called once a Node request is in hand.
export { fieldLines } from './field-lines';
export { getField, setField } from './field-store';
export {
  guardUpgrade,
  type UpgradeGuardOptions,
  upgradeState,
  type VerifyClient,
  verifyClient,
} from './guard-upgrade';
export { onResponseHead } from './head-hook';
export { headersCut } from './header-cap';
export { lendBody } from './lend-body';
export { setMissingOn } from './set-missing';
export { trackFinish } from './track-finish';
