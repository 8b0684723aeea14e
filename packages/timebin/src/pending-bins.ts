/** A finished bin: `[binStart, value]`, where `binStart = k * binWidth`. */
export type BinTuple = [binStart: number, value: number]

/** Room for 32 bins to start with. */
const INITIAL_LENGTH = 64
/** A buffer grown beyond 2048 bins (by a long gap) is replaced once they are taken. */
const KEEP_LENGTH = 4096

/**
 * Finished bins waiting for `getTuples()`, kept as (start, value) pairs in one
 * growing Float64Array, so that finishing a bin allocates nothing; the tuples
 * are made once, when they are taken.
 */
export class PendingBins {
  #pairs = new Float64Array(INITIAL_LENGTH)
  #count = 0

  push(start: number, value: number): void {
    let pairs = this.#pairs
    const at = this.#count * 2
    if (at === pairs.length) {
      const grown = new Float64Array(at * 2)
      grown.set(pairs)
      this.#pairs = pairs = grown
    }
    pairs[at] = start
    pairs[at + 1] = value
    this.#count += 1
  }

  /** Returns the bins, oldest first, and forgets them. */
  take(): BinTuple[] {
    const count = this.#count
    if (count === 0) return []
    const pairs = this.#pairs
    this.#count = 0
    if (pairs.length > KEEP_LENGTH) this.#pairs = new Float64Array(INITIAL_LENGTH)
    if (count === 1) return [[pairs[0], pairs[1]]]
    const tuples = new Array<BinTuple>(count)
    for (let i = 0; i < count; i++) tuples[i] = [pairs[2 * i], pairs[2 * i + 1]]
    return tuples
  }
}
