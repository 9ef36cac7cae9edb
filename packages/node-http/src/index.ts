export { holdOf, ResponseHold } from './hold-response';
export { lendBody } from './lend-body';
export { fieldLines, NodeHost, trackFinish } from './node-host';
export { writeAnswer } from './write-answer';
