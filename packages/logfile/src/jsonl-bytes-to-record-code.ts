// A matcher on bytes for one JSONL shape, for the record decoder: the matching
// statements of jsonl-byte-code.ts, leaving the values where matchShape()
// (jsonl-byte-match.ts) leaves them (starts, ends, marks) for the shape's
// builder. It takes exactly the lines matchShape() matches for `record`; for
// any other line it returns -1 and the general way decides. Its code is shared
// by the shapes of its layout (value types).
import { makeForShape, matchCode, matchParts, MATCH_HELPERS } from './jsonl-byte-code.js'
import type { ByteShape, ShapeMatcher } from './jsonl-byte-shapes.js'

/** The matcher for `shape`; undefined when code generation is off (node --disallow-code-generation-from-strings). */
export function compileShapeMatcher(shape: ByteShape): ShapeMatcher | undefined {
  const { types } = shape
  const parts = matchParts(shape)
  const body = [...matchCode(types, parts, 'record', '-1'), ...types.map((_, i) => `S[${i}] = v${i}; E[${i}] = w${i}; K[${i}] = m${i}`), 'return timeEnd']
  return makeForShape<ShapeMatcher>('matchShape', 'b, view, text, s, e, S, E, K', body, MATCH_HELPERS, parts)
}
