// A byte transcoder for one JSONL shape: the matching statements of
// jsonl-byte-code.ts, then the line protocol written from the shape's constant
// parts and the values read. It takes exactly the lines matchShape()
// (jsonl-byte-match.ts) matches for `lineProtocol` (with the same
// floatsAsWritten) and writes the same bytes as transcodeJsonlBytes() does for
// them; for any other line it returns -1 and the general way decides. Its code
// is shared by the shapes of its layout (value types and field order). Given
// the reader's `plausible` times, it also returns -1 for a time outside them
// (the general way reports it as a bad line).
import { copyBytes } from './byte-view.js'
import { makeForShape, matchCode, matchParts, MATCH_HELPERS, partOf, writesPart, type Part } from './jsonl-byte-code.js'
import { NEWLINE, SPACE } from './char-codes.js'
import type { ByteShape, ShapeTranscoder } from './jsonl-byte-shapes.js'
import type { FieldType } from './record.js'
import { ZERO } from './number-chars.js'
import { outsideDigits } from './plausible-digits.js'

const HELPERS = { ...MATCH_HELPERS, COPY: copyBytes, OUTSIDE: outsideDigits }

/**
 * Statements that return -1 for a time [timeStart, timeEnd) outside `plausible`
 * (when given), for the general way to report: the usual time is decided by its
 * first digit and its count of digits, read where the match left them.
 */
const checksPlausible = [
  'if (plausible !== undefined) {',
  'const td = b[timeStart], tn = timeEnd - timeStart',
  `if (!(td > ${ZERO} && (tn > plausible.sinceDigits || (tn === plausible.sinceDigits && td > plausible.sinceFirst)) && (tn < plausible.untilDigits || (tn === plausible.untilDigits && td < plausible.untilFirst))) && OUTSIDE(b, timeStart, timeEnd, plausible)) return -1`,
  '}',
]

/** Statements that write field j (value i of `type`), after its key K<j>, with its suffix or letter. */
function writesField(type: FieldType, i: number, j: number, key: Part): string[] {
  const writesKey = writesPart(`K${j}`, key.length)
  switch (type) {
    case 'boolean':
      return [...writesKey, `out.setUint8(o++, m${i})`]
    case 'integer':
    case 'unsigned':
      return [...writesKey, `o = COPY(out, o, view, v${i}, w${i})`, `out.setUint8(o++, m${i})`]
    default:
      return [...writesKey, `o = COPY(out, o, view, v${i}, w${i})`]
  }
}

/**
 * The transcoder for `shape` (which has its line protocol parts); undefined
 * when code generation is off (node --disallow-code-generation-from-strings).
 */
export function compileShapeTranscoder(shape: ByteShape): ShapeTranscoder | undefined {
  const lp = shape.lp
  if (lp === undefined) return undefined
  const { types } = shape
  const head = partOf(lp.head)
  const keys = lp.keys.map(partOf)
  const match = matchParts(shape)
  const body = [
    ...matchCode(types, match, 'lineProtocol', '-1'),
    ...checksPlausible,
    ...writesPart('HEAD', head.length),
    ...lp.order.flatMap((i, j) => writesField(types[i]!, i, j, keys[j]!)),
    `out.setUint8(o++, ${SPACE})`,
    'o = COPY(out, o, view, timeStart, timeEnd)',
    `out.setUint8(o++, ${NEWLINE})`,
    'return o',
  ]
  const parts: [string, Part][] = [...match, ['HEAD', head], ...keys.map((key, j): [string, Part] => [`K${j}`, key])]
  return makeForShape<ShapeTranscoder>('transcodeShape', 'b, view, src, s, e, out, o, floatsAsWritten, plausible', body, HELPERS, parts)
}
