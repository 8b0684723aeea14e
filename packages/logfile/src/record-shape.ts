import type { FieldType, InfluxRecord } from './record.js'

/**
 * The layout of a record that a compiled encoder is made for: its measurement,
 * its tag keys and field keys in the record's own (for-in) order, which tags
 * are empty (every encoder drops those) and each field's type.
 */
export interface RecordShape {
  measurement: string
  tags: readonly { key: string; empty: boolean }[]
  fields: readonly { key: string; type: FieldType }[]
}

/**
 * The shape of a record that the general encoder has just accepted (so every
 * name and value is valid), or undefined for one not worth compiling.
 */
export function shapeOf(record: InfluxRecord): RecordShape | undefined {
  const tags: { key: string; empty: boolean }[] = []
  const fields: { key: string; type: FieldType }[] = []
  for (const key in record.tags) tags.push({ key, empty: record.tags[key] === '' })
  for (const key in record.fields) fields.push({ key, type: record.fields[key]!.type })
  // A name such as __proto__ works in the general path; it is rare enough to leave there.
  const odd = (key: string) => key === '__proto__'
  if (tags.some((t) => odd(t.key)) || fields.some((f) => odd(f.key))) return undefined
  return { measurement: record.measurement, tags, fields }
}

/** A text that is equal for equal shapes. */
export function shapeSignature(shape: RecordShape): string {
  return JSON.stringify([shape.tags.map((t) => [t.key, t.empty]), shape.fields.map((f) => [f.key, f.type])])
}
