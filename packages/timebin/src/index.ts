export { TimeBin } from './time-bin.js'
export type { OpenBin } from './time-bin.js'
export type { BinTuple } from './pending-bins.js'
