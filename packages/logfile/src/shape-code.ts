// Compiles the checks of one record shape into a function with fixed property
// reads. Every format's compiled encoder starts with this code; its own part
// only assembles the line from the checked values. The compiled code never
// throws: anything it does not expect returns undefined, and the general
// encoder (the reference for output and for errors) takes the record.
import type { FieldType, FieldValue } from './record.js'
import { INT64_MAX, INT64_MIN, TIMESTAMP_MAX, TIMESTAMP_MIN, UINT64_MAX } from './record.js'
import type { RecordShape } from './record-shape.js'
import { detached } from './detached.js'

/** What a format gives the compiled checks. */
export interface ShapeHelpers {
  /** A tag value's encoded text, or undefined when it is invalid. */
  tagText(value: string): string | undefined
  /** Strings that need `stringText` (escaping, or a closer check). */
  stringSlow: RegExp
  /** A string field's text the slow way, or undefined when it is invalid. */
  stringText(name: string, field: FieldValue): string | undefined
  /** True when a string field is `s<i>` as is (CSV), false when quoted `"..."` (JSONL, LP). */
  bareStrings?: boolean
}

/** `name` as a JavaScript string literal. */
export const lit = (name: string): string => JSON.stringify(name)

/** `text` as it must appear inside a template literal. */
export const inTemplate = (text: string): string => text.replace(/[`\\$]/g, (ch) => `\\${ch}`)

function valueChecks(type: FieldType, i: number, key: string, bare: boolean): string[] {
  const x = `x${i}`
  switch (type) {
    case 'float':
      return [`if (typeof ${x} !== 'number' || !isFinite(${x})) return undefined`]
    case 'integer':
      return [`if (typeof ${x} !== 'bigint' || ${x} < I64MIN || ${x} > I64MAX) return undefined`]
    case 'unsigned':
      return [`if (typeof ${x} !== 'bigint' || ${x} < 0n || ${x} > U64MAX) return undefined`]
    case 'boolean':
      return [`if (typeof ${x} !== 'boolean') return undefined`]
    case 'string': {
      const fast = bare ? `${x} !== '' && !SLOW.test(${x}) ? ${x}` : `!SLOW.test(${x}) ? '"' + ${x} + '"'`
      return [`if (typeof ${x} !== 'string') return undefined`, `const s${i} = ${fast} : STR(${lit(key)}, f${i})`, `if (s${i} === undefined) return undefined`]
    }
  }
}

/**
 * Source that checks a record `r` against the shape and leaves, for the line:
 * `t` (timestamp), `E<i>` (tag i's text; empty tags have none), `x<i>` (field
 * i's value) and `s<i>` (a string field's text).
 */
function checkCode(shape: RecordShape, bare: boolean): string[] {
  const code = [
    'if (r.measurement !== M) return undefined',
    'const tags = r.tags, fields = r.fields, t = r.timestamp',
    "if (typeof t !== 'bigint' || t < TMIN || t > TMAX || typeof tags !== 'object' || tags === null || typeof fields !== 'object' || fields === null) return undefined",
    'let n = 0',
    'for (const k in tags) if (k !== TK[n++]) return undefined',
    `if (n !== ${shape.tags.length}) return undefined`,
    'n = 0',
    'for (const k in fields) if (k !== FK[n++]) return undefined',
    `if (n !== ${shape.fields.length}) return undefined`,
  ]
  shape.tags.forEach(({ key, empty }, i) => {
    const v = `v${i}`
    if (empty) code.push(`if (tags[${lit(key)}] !== '') return undefined`)
    // The last value of each tag and its text: tag values repeat from record to record. The value is
    // kept as a copy: one read from a file is a slice of its chunk, which it would keep alive.
    else code.push(`const ${v} = tags[${lit(key)}]`, `if (typeof ${v} !== 'string' || ${v} === '') return undefined`, `if (${v} !== L${i}) { const e = TAG(${v}); if (e === undefined) return undefined; L${i} = COPY(${v}); E${i} = e }`)
  })
  shape.fields.forEach(({ key, type }, i) => {
    const f = `f${i}`
    code.push(`const ${f} = fields[${lit(key)}]`, `if (typeof ${f} !== 'object' || ${f} === null || ${f}.type !== ${lit(type)}) return undefined`, `const x${i} = ${f}.value`)
    code.push(...valueChecks(type, i, key, bare))
  })
  return code
}

/**
 * The compiled encoder of a shape: its checks, then `line` (source that returns
 * the result from the checked values). It is called as `(record, G)`, with `G`
 * whatever the format passes (CSV: where its cells go).
 */
export function compileShape<F>(shape: RecordShape, helpers: ShapeHelpers, line: string): F {
  const slots = shape.tags.flatMap((_, i) => [`L${i}`, `E${i}`])
  const body = [...checkCode(shape, helpers.bareStrings === true), line].join('\n')
  const source = `${slots.length === 0 ? '' : `let ${slots.join(', ')}\n`}return function encodeShape(r, G) {\n${body}\n}`
  const factory = new Function('M', 'TK', 'FK', 'TMIN', 'TMAX', 'I64MIN', 'I64MAX', 'U64MAX', 'TAG', 'SLOW', 'STR', 'COPY', source)
  const tagKeys = shape.tags.map((tag) => tag.key)
  const fieldKeys = shape.fields.map((field) => field.key)
  return factory(shape.measurement, tagKeys, fieldKeys, TIMESTAMP_MIN, TIMESTAMP_MAX, INT64_MIN, INT64_MAX, UINT64_MAX, helpers.tagText, helpers.stringSlow, helpers.stringText, detached) as F
}

/** `encode`, returning undefined where it would throw (the compiled code then gives the record, or the row, to the general path). */
export function orUndefined<A extends unknown[], R>(encode: (...args: A) => R): (...args: A) => R | undefined {
  return (...args) => {
    try {
      return encode(...args)
    } catch {
      return undefined
    }
  }
}
