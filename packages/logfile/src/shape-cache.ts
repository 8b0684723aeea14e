import type { InfluxRecord } from './record.js'
import { shapeOf, shapeSignature, type RecordShape } from './record-shape.js'

/** Compiled shapes tried per measurement (a record that fits none takes the general path). */
const MAX_SHAPES = 8
/** Shapes compiled per measurement, ever: one whose shape keeps changing stays on the general path. */
const MAX_COMPILES = 16
/** Measurements before the cache starts over (bounds memory when names never repeat). */
const MAX_MEASUREMENTS = 1024
/** Shapes counted per measurement before the count starts over. */
const MAX_SIGNATURES = 256
/** A shape is compiled when the general path has seen it this many times. */
const COMPILE_AT = 2

interface Entry<F> {
  shapes: F[]
  /** The signature of each of `shapes`. */
  signatures: string[]
  /** Times each shape took the general path; -1 once compiled. */
  seen: Map<string, number>
  compiles: number
}

/**
 * The compiled encoders of one format, by measurement. The encoder tries
 * `candidates(record)` first; when none fits, it encodes the record the general
 * way and then calls `learn(record)`, which compiles that record's shape once
 * it has come back.
 */
export class ShapeCache<F> {
  private readonly entries = new Map<string, Entry<F>>()

  constructor(private readonly compile: (shape: RecordShape) => F) {}

  /** Compiled encoders held, over all measurements. */
  get size(): number {
    let size = 0
    for (const entry of this.entries.values()) size += entry.shapes.length
    return size
  }

  /** The compiled encoders to try for a record (none for a non-object). */
  candidates(record: InfluxRecord): readonly F[] | undefined {
    if (typeof record !== 'object' || record === null) return undefined
    return this.entries.get(record.measurement)?.shapes
  }

  /** Called with a record the general path has accepted. */
  learn(record: InfluxRecord): void {
    let entry = this.entries.get(record.measurement)
    if (entry === undefined) {
      if (this.entries.size >= MAX_MEASUREMENTS) this.entries.clear()
      entry = { shapes: [], signatures: [], seen: new Map(), compiles: 0 }
      this.entries.set(record.measurement, entry)
    }
    if (entry.compiles >= MAX_COMPILES) return
    const shape = shapeOf(record)
    if (shape === undefined) return
    const signature = shapeSignature(shape)
    const seen = entry.seen.get(signature) ?? 0
    if (seen < 0) return // compiled already (and it gave way for a valid record: leave that one to the general path)
    if (seen + 1 < COMPILE_AT) {
      if (entry.seen.size >= MAX_SIGNATURES) entry.seen.clear()
      entry.seen.set(signature, seen + 1)
      return
    }
    entry.seen.set(signature, -1)
    entry.compiles++
    if (entry.shapes.length >= MAX_SHAPES) {
      entry.shapes.shift()
      entry.seen.delete(entry.signatures.shift()!)
    }
    entry.shapes.push(this.compile(shape))
    entry.signatures.push(signature)
  }
}
