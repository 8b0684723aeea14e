// The tagged encoding of the corpus's JSON files: JSON has no bigint, NaN,
// Infinity, -0, Date, undefined or typed arrays, so such a value is an object
// with one `$` key. Documented in corpus/README.md.

const TYPED_ARRAYS = {
  $float64array: (v: unknown[]) => Float64Array.from(v.map((x) => decodeTagged(x) as number)),
  $int32array: (v: unknown[]) => Int32Array.from(v.map((x) => decodeTagged(x) as number)),
  $bigint64array: (v: unknown[]) => BigInt64Array.from(v.map((x) => decodeTagged(x) as bigint)),
} as const

const NUMBERS: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, '-0': -0 }

/** Thrown for a `$` tag the encoding does not have, naming where it is. */
export class TaggedValueError extends Error {}

function tagged(value: Record<string, unknown>, where: string): unknown {
  const keys = Object.keys(value)
  if (keys.length !== 1 || !keys[0]!.startsWith('$')) return undefined
  const [tag] = keys as [string]
  const inner = value[tag]
  switch (tag) {
    case '$bigint':
      if (typeof inner !== 'string' || !/^-?\d+$/.test(inner)) throw new TaggedValueError(`${where}: $bigint takes a decimal string, got ${JSON.stringify(inner)}`)
      return BigInt(inner)
    case '$number':
      if (typeof inner !== 'string' || !(inner in NUMBERS)) throw new TaggedValueError(`${where}: $number takes one of ${Object.keys(NUMBERS).join(', ')}, got ${JSON.stringify(inner)}`)
      return NUMBERS[inner]
    case '$date':
      if (typeof inner !== 'string') throw new TaggedValueError(`${where}: $date takes a string for new Date(), got ${JSON.stringify(inner)}`)
      return new Date(inner)
    case '$undefined':
      return undefined
    default:
      if (tag in TYPED_ARRAYS && Array.isArray(inner)) return TYPED_ARRAYS[tag as keyof typeof TYPED_ARRAYS](inner)
      throw new TaggedValueError(`${where}: unknown tag ${tag} (known: $bigint, $number, $date, $undefined, ${Object.keys(TYPED_ARRAYS).join(', ')})`)
  }
}

/** JSON value -> JS value with the tags decoded (recursively); `{"$undefined": true}` keeps the key with the value undefined. */
export function decodeTagged(value: unknown, where = '$'): unknown {
  if (Array.isArray(value)) return value.map((item, i) => decodeTagged(item, `${where}[${i}]`))
  if (typeof value !== 'object' || value === null) return value
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  if (keys.length === 1 && keys[0]!.startsWith('$')) return tagged(record, where)
  const out: Record<string, unknown> = {}
  for (const key of keys) out[key] = decodeTagged(record[key], `${where}.${key}`)
  return out
}
