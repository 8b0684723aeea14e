import { describe, expect, it, vi } from 'vitest'
import { checkEdgeTimes, checkOneCharacterEdits, checkRandomEdits, inChunk, TAKEN_TIMES, TEMPLATES, type EditCheck } from '../test/fixtures/byte-code-lines.js'
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

  /** The compiled matcher does with the line what it must (expected()); true when it takes it. */
  const check: EditCheck = (template, line) => {
    const shape = shapeOf(template)!
    const want = expected(shape, line)
    expect(compiled(shape, line), line).toEqual(want)
    return want !== undefined
  }

  it('takes a line exactly when the general matcher finds its shape, and finds the same, for every one-character edit', () => {
    const { taken, refused } = checkOneCharacterEdits(check)
    // Most edits break the line; digits in values and tag texts still match, and escapes in strings.
    expect(taken).toBeGreaterThan(500)
    expect(refused).toBeGreaterThan(20_000)
  })

  it('takes a line exactly when the general matcher finds its shape, and finds the same, on 20000 lines with random edits', () => {
    expect(checkRandomEdits(78, 20_000, check).taken).toBeGreaterThan(500)
  })

  it('finds times as the general matcher does, at and beyond the limits of line protocol', () => {
    expect(checkEdgeTimes(check)).toEqual(TAKEN_TIMES)
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
