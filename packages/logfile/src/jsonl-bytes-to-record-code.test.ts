import { describe, expect, it, vi } from 'vitest'
import { EDGE_TIMES, EDIT_PIECES, EVERY_TYPE, inChunk, oneCharacterEdits, TEMPLATES } from '../test/fixtures/byte-code-lines.js'
import { mutateLine } from '../test/fixtures/mutate-line.js'
import { prng } from '../test/fixtures/random-records.js'
import { ends, marks, matchShape, starts, timeEnd } from './jsonl-byte-match.js'
import type { ByteShape, ShapeMatcher } from './jsonl-byte-shapes.js'
import { compileShapeMatcher } from './jsonl-bytes-to-record-code.js'
import { decodeJsonlBytes } from './jsonl-bytes-to-record.js'
import { decodeJsonl } from './jsonl-decode.js'

/** Teaches the byte path the shape of each line (the decoder remembers it). */
function teach(lines: readonly string[]): void {
  for (const line of lines) decodeJsonl(line)
}

/** The byte shape the general matcher finds for `line`, or undefined. */
function shapeOf(line: string): ByteShape | undefined {
  const { src, s, e } = inChunk(line)
  const end = timeEnd(src, s, e)
  return end < 0 ? undefined : matchShape(src, e, end, 'record')
}

const codes = new Map<ByteShape, ShapeMatcher>()

/** What a matcher found in a line: where its time ends and, for each value, its span and mark; undefined when it did not match. */
interface Found {
  timeEnd: number
  values: [start: number | undefined, end: number | undefined, mark: number][]
}

/** The values' spans as a matcher left them (a boolean has no span for the builder, only its mark). */
const found = (shape: ByteShape, timeEnd: number, S: Int32Array, E: Int32Array, K: Uint8Array): Found => ({
  timeEnd,
  values: shape.types.map((type, i) => (type === 'boolean' ? [undefined, undefined, K[i]!] : [S[i]!, E[i]!, K[i]!])),
})

/** What the compiled matcher of `shape` finds in `line`. */
function compiled(shape: ByteShape, line: string): Found | undefined {
  let code = codes.get(shape)
  if (code === undefined) codes.set(shape, (code = compileShapeMatcher(shape)!))
  const { src, s, e } = inChunk(line)
  const [S, E, K] = [new Int32Array(16), new Int32Array(16), new Uint8Array(16)]
  const timeEnd = code(src.bytes, src.view, src.text, s, e, S, E, K)
  return timeEnd < 0 ? undefined : found(shape, timeEnd, S, E, K)
}

/**
 * What the compiled matcher of `shape` must find in `line`: what the general
 * matcher finds when it finds `shape` for the line, else nothing. Where the
 * general byte path then gives a record, it must be decodeJsonl's.
 */
function expected(shape: ByteShape, line: string): Found | undefined {
  const { src, s, e } = inChunk(line)
  const end = timeEnd(src, s, e)
  if (end < 0 || matchShape(src, e, end, 'record') !== shape) return undefined
  const want = found(shape, end, starts, ends, marks)
  const saved = shape.recordCode
  shape.recordCode = null // the general way
  try {
    const record = decodeJsonlBytes(src, s, e)
    if (record !== undefined) expect(record, line).toEqual(decodeJsonl(line))
  } finally {
    shape.recordCode = saved
  }
  return want
}

describe('compileShapeMatcher', () => {
  teach(TEMPLATES)

  it('finds what the general matcher finds, for every template line', () => {
    for (const line of TEMPLATES) {
      const shape = shapeOf(line)!
      expect(shape, line).toBeDefined()
      const result = compiled(shape, line)
      expect(result, line).toBeDefined()
      expect(result).toEqual(expected(shape, line))
    }
  })

  it('takes a line exactly when the general matcher finds its shape, and finds the same, for every one-character edit', () => {
    let taken = 0
    let refused = 0
    for (const line of TEMPLATES) {
      const shape = shapeOf(line)!
      for (const edited of oneCharacterEdits(line)) {
        const want = expected(shape, edited)
        expect(compiled(shape, edited), edited).toEqual(want)
        if (want === undefined) refused++
        else taken++
      }
    }
    // Most edits break the line; digits in values and tag texts still match, and escapes in strings.
    expect(taken).toBeGreaterThan(500)
    expect(refused).toBeGreaterThan(20_000)
  })

  it('takes a line exactly when the general matcher finds its shape, and finds the same, on 20000 lines with random edits', () => {
    const random = prng(78)
    let taken = 0
    for (let n = 0; n < 20_000; n++) {
      const line = TEMPLATES[n % TEMPLATES.length]!
      const shape = shapeOf(line)!
      const edited = mutateLine(line, random, EDIT_PIECES)
      const want = expected(shape, edited)
      expect(compiled(shape, edited), edited).toEqual(want)
      if (want !== undefined) taken++
    }
    expect(taken).toBeGreaterThan(500)
  })

  it('finds times as the general matcher does, at and beyond the limits of line protocol', () => {
    const shape = shapeOf(EVERY_TYPE)!
    const taken: string[] = []
    for (const time of EDGE_TIMES) {
      const line = EVERY_TYPE.replace('"time":"1617672549204824064"', `"time":"${time}"`)
      const result = compiled(shape, line)
      expect(result, time).toEqual(expected(shape, line))
      if (result !== undefined) taken.push(time)
    }
    expect(taken).toEqual(['0', '1', '-1', '8999999999999999999', '9000000000000000000', '9223372036854775806', '-9223372036854775806'])
  })

  it('is what the byte path uses once a shape has been read a few times, with the same records', () => {
    const line = '{"time":"42","measurement":"compiled_record","tags":{"a":"b"},"fields":{"v":2.5,"c":{"i":"7"},"s":"x\\"y"}}'
    // (The decoder remembers a shape from a line without escapes.)
    teach([line.replace('x\\"y', 'plain')])
    const shape = shapeOf(line)!
    for (let n = 0; n < 20; n++) {
      const { src, s, e } = inChunk(line)
      expect(decodeJsonlBytes(src, s, e)).toEqual(decodeJsonl(line))
    }
    expect(typeof shape.recordCode).toBe('function')
  })

  it('leaves the general way to decode every line where code generation is off', () => {
    const line = '{"time":"43","measurement":"no_codegen_record","tags":{"a":"b"},"fields":{"v":2.5,"ok":true}}'
    teach([line])
    const shape = shapeOf(line)!
    vi.stubGlobal('Function', function () {
      throw new EvalError('Code generation from strings disallowed for this context')
    })
    try {
      for (let n = 0; n < 20; n++) {
        const { src, s, e } = inChunk(line)
        expect(decodeJsonlBytes(src, s, e)).toEqual(decodeJsonl(line))
      }
    } finally {
      vi.unstubAllGlobals()
    }
    expect(shape.recordCode).toBeNull()
  })
})
