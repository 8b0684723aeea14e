export { TimeBin } from './time-bin.js'
export type { BinTuple, OpenBin } from './time-bin.js'
