export {
  guardUpgrade,
  type UpgradeGuardOptions,
  upgradeState,
  type VerifyClient,
  verifyClient,
} from './guard-upgrade';
export { headersCut } from './header-cap';
export { lendBody } from './lend-body';
export { type LoopbackServer, listenLoopback } from './listen-loopback';
export { fieldLines, NodeHost, trackFinish } from './node-host';
export { UpgradeHost } from './upgrade-host';
export { writeAnswer } from './write-answer';
