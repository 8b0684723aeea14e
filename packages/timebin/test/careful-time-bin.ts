import { binPosition } from '../src/bin-position.js'

/**
 * TimeBin as it is defined, without its shortcuts: every point placed by
 * binPosition. TimeBin must give the same numbers, bit for bit. Valid input only.
 */
export class CarefulTimeBin {
  #index = 0
  #offset = 0
  #valueSeconds = 0
  #lastT = Number.NaN
  #finished: [number, number][] = []

  constructor(readonly binWidth: number) {}

  point(t: number, value: number): void {
    const lastT = this.#lastT
    if (t === lastT) return
    const width = this.binWidth
    const { index, offset } = binPosition(t, width)
    this.#lastT = t
    if (!Number.isNaN(lastT) && index === this.#index) {
      this.#valueSeconds += value * (offset - this.#offset)
      this.#offset = offset
      return
    }
    if (!Number.isNaN(lastT)) {
      this.#finished.push([this.#index * width, (this.#valueSeconds + value * (width - this.#offset)) / width])
      for (let k = this.#index + 1; k < index; k++) this.#finished.push([k * width, value])
    }
    this.#index = index
    this.#offset = offset
    this.#valueSeconds = value * offset
  }

  getTuples(): [number, number][] {
    const finished = this.#finished
    this.#finished = []
    return finished
  }

  get openBin(): { start: number; value: number; covered: number } | undefined {
    if (Number.isNaN(this.#lastT)) return undefined
    return { start: this.#index * this.binWidth, value: this.#valueSeconds / this.binWidth, covered: this.#offset }
  }
}
