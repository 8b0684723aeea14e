import type { InfluxRecord } from './record.js'
import { detached } from './detached.js'
import { shapeOf, shapeSignature, type RecordShape } from './record-shape.js'

/** Compiled shapes tried per measurement (a record that fits none takes the general path). */
const MAX_SHAPES = 8
/** Shapes compiled per measurement, ever: one whose shape keeps changing stays on the general path. */
const MAX_COMPILES = 16
/** Compiled shapes held in all, before the cache starts over (each costs memory, and ~0.1 ms to compile). */
const MAX_COMPILED = 256
/** Shapes counted before the counts start over. */
const MAX_COUNTED = 4096
/** A shape is compiled when the general path has met it this many times (compiling costs as much as ~50 general encodes). */
export const COMPILE_AT = 8

interface Entry<F> {
  shapes: F[]
  /** The signature of each of `shapes`. */
  signatures: string[]
  compiles: number
}

/**
 * The compiled encoders of one format, by measurement. The encoder tries
 * `candidates(record)` first; when none fits, it encodes the record the general
 * way and then calls `learn(record)`, which compiles that record's shape once
 * it has come back often enough.
 */
export class ShapeCache<F> {
  private readonly entries = new Map<string, Entry<F>>()
  /** Times the general path met each shape (key: measurement and signature); -1 once compiled. */
  private readonly counts = new Map<string, number>()
  private compiled = 0
  private disabled = false

  constructor(private readonly compile: (shape: RecordShape) => F) {}

  /** Compiled encoders held, over all measurements. */
  get size(): number {
    return this.compiled
  }

  /** The compiled encoders to try for a record (none for a non-object). */
  candidates(record: InfluxRecord): readonly F[] | undefined {
    if (typeof record !== 'object' || record === null) return undefined
    return this.entries.get(record.measurement)?.shapes
  }

  /** Called with a record the general path has accepted. */
  learn(record: InfluxRecord): void {
    const entry = this.entries.get(record.measurement)
    if (this.disabled || (entry !== undefined && entry.compiles >= MAX_COMPILES)) return
    const shape = shapeOf(record)
    if (shape === undefined) return
    const signature = shapeSignature(shape)
    const key = JSON.stringify(record.measurement) + signature
    const count = this.counts.get(key) ?? 0
    if (count < 0) return // compiled already (and it gave way for a valid record: leave that one to the general path)
    if (count + 1 < COMPILE_AT) {
      if (this.counts.size >= MAX_COUNTED) this.counts.clear()
      this.counts.set(key, count + 1)
      return
    }
    this.counts.set(key, -1)
    // A measurement read from a file is a slice of its chunk: what is compiled and kept holds a copy.
    const measurement = detached(shape.measurement)
    let encoder: F
    try {
      encoder = this.compile({ ...shape, measurement })
    } catch {
      // Code generation is off (node --disallow-code-generation-from-strings): the general path it is.
      this.disabled = true
      return
    }
    this.add(measurement, signature, encoder)
  }

  private add(measurement: string, signature: string, encoder: F): void {
    if (this.compiled >= MAX_COMPILED) {
      this.entries.clear()
      this.counts.clear()
      this.compiled = 0
    }
    let entry = this.entries.get(measurement)
    if (entry === undefined) this.entries.set(measurement, (entry = { shapes: [], signatures: [], compiles: 0 }))
    entry.compiles++
    if (entry.shapes.length >= MAX_SHAPES) {
      entry.shapes.shift()
      this.counts.delete(JSON.stringify(measurement) + entry.signatures.shift()!)
      this.compiled--
    }
    entry.shapes.push(encoder)
    entry.signatures.push(signature)
    this.compiled++
  }
}

/** A compiled encoder of whole lines: the record's line followed by `end`, or undefined when the record does not fit. */
export type CompiledLine = (record: InfluxRecord, end: string) => string | undefined

/**
 * `record`'s line followed by `end`: by the first compiled encoder of `cache`
 * that takes it, else by `general` (which throws for a bad record), whose
 * record then counts towards compiling its shape.
 */
export function encodeLine(cache: ShapeCache<CompiledLine>, general: (record: InfluxRecord) => string, record: InfluxRecord, end: string): string {
  const compiled = cache.candidates(record)
  if (compiled !== undefined) {
    for (let i = 0; i < compiled.length; i++) {
      const line = compiled[i]!(record, end)
      if (line !== undefined) return line
    }
  }
  const line = general(record)
  cache.learn(record)
  return line + end
}
