export { lendBody } from './lend-body';
export { ResponseHold } from './hold-response';
export { NodeHost, trackFinish } from './node-host';
export { writeAnswer } from './write-answer';
