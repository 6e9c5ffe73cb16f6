// The compiled tests' way to shared.cjs, the one implementation the .mjs tools import directly:
// tsc does not copy it to out/, so it is required from the source tree.
import * as path from 'path';
import type * as Shared from './shared.cjs';

const shared = require(path.resolve(__dirname, '..', '..', '..', 'test', 'support', 'shared.cjs')) as typeof Shared;

export const {
  pids, readProc, argvOf, parentOf, isAlive, processesWhere, umidProcesses, childrenOf, killPids, killUmid,
  busybox, makeBusyboxRoot, makeInitramfs,
  sleep, pollUntil, waitUntil,
  median,
} = shared;
