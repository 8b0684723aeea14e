// Compiles the data rows of one annotated-CSV table into a function that reads
// a row straight into its record: the cells are found with indexOf, each read as
// its column's datatype, and the record is built with the table's labels as
// fixed property names. The general path (splitRow, recordOf, checkRecord) makes
// an array of cells, looks each column's datatype up per cell and stores tags
// and fields under keys that change from store to store, which V8 cannot compile
// to fixed property stores.
//
// The compiled code never throws: a row it does not take as it is (a wrong
// number of cells, a malformed quoted cell, a cell that is not its datatype, a name the record
// rules reject, no field) returns undefined, and the general path reads that row
// (and names what is wrong with it). Tests check that both give the same record
// for every row the compiled code takes (csv-row-code.test.ts).
import type { CsvColumn } from './csv-table.js'
import type { Plan } from './csv-plan.js'
import { lit, orUndefined } from './shape-code.js'
import { floatOfText, integerOfText } from './number-text.js'
import type { InfluxRecord } from './record.js'
import { validNames } from './validate-record.js'
import { quotedEmptyCells, splitRow } from './csv-cells.js'
import { BOOLEAN_FALSE, BOOLEAN_TRUE } from './csv-plan.js'
import { LONE_SURROGATE } from './name-rules.js'

/** A compiled row reader: the record of a data row, or undefined for the general path to read it. */
export type CsvRowReader = (text: string) => InfluxRecord | undefined

type Role = { kind: 'skip' } | { kind: 'measurement' } | { kind: 'time' } | { kind: 'tag'; label: string } | { kind: 'field'; label: string; type: 'double' | 'long' | 'unsignedLong' | 'string' | 'boolean' }

const FIELD_TYPES = new Set(['double', 'long', 'unsignedLong', 'string', 'boolean'])

/**
 * What each cell of a row is for, or undefined when the table needs what only
 * the general path does: a `_field`/`_value` pair, a #constant or #default
 * value, a time that is not `dateTime:number` (or plain `dateTime`), a field
 * of no datatype or `field` (line-protocol values), or labels the record rules
 * reject (`keysChecked` false).
 */
export function rolesOf(plan: Plan, keysChecked: boolean): Role[] | undefined {
  if (!keysChecked || plan.fieldName !== undefined || plan.fieldValue !== undefined) return undefined
  const roles: Role[] = Array.from({ length: plan.width }, () => ({ kind: 'skip' }))
  const place = (column: CsvColumn, role: Role): boolean => {
    if (column.index < 0 || column.defaultValue !== '') return false
    roles[column.index] = role
    return true
  }
  if (!place(plan.measurement, { kind: 'measurement' })) return undefined
  if (plan.time.format !== '' && plan.time.format !== 'number') return undefined
  if (!place(plan.time, { kind: 'time' })) return undefined
  for (const column of plan.tags) if (!place(column, { kind: 'tag', label: column.label })) return undefined
  for (const column of plan.fields) {
    if (!FIELD_TYPES.has(column.dataType)) return undefined
    if (!place(column, { kind: 'field', label: column.label, type: column.dataType as 'double' })) return undefined
  }
  return roles
}

/** Measurements a row reader keeps to compare with (others are looked up in the checked names' cache each time). */
const MAX_MEASUREMENTS = 8

/** A string with a UTF-16 surrogate: only such a string needs LONE_SURROGATE's closer look. */
const SURROGATE = /[\uD800-\uDFFF]/

/** A boolean cell's value by the code of its first character, as csv2lp reads it (csv-plan.ts). */
const BOOLEANS: (boolean | undefined)[] = Array.from({ length: 128 }, (_, c) => (BOOLEAN_TRUE.includes(String.fromCharCode(c)) ? true : BOOLEAN_FALSE.includes(String.fromCharCode(c)) ? false : undefined))

const FIELD_CODE: Record<Extract<Role, { kind: 'field' }>['type'], (x: string) => string[]> = {
  double: (x) => [`${x} = FLOAT(c, a, b)`, `if (${x} !== ${x}) return undefined`],
  long: (x) => [`${x} = INT(c, a, b, 'signed')`, `if (${x} === undefined) return undefined`],
  unsignedLong: (x) => [`${x} = INT(c, a, b, 'unsigned')`, `if (${x} === undefined) return undefined`],
  string: (x) => [`${x} = c.slice(a, b)`, `if (SURROGATE.test(${x}) && LONE_SURROGATE.test(${x})) return undefined`],
  boolean: (x) => [`${x} = BOOLEANS[c.charCodeAt(a)]`, `if (${x} === undefined) return undefined`],
}

const FIELD_TYPE_NAMES = { double: 'float', long: 'integer', unsignedLong: 'unsigned', string: 'string', boolean: 'boolean' } as const

/**
 * Source that reads cell [a, b) of `c` into its variables. An empty cell is an
 * absent tag or field, except that a field is there, empty (a string, or an
 * error), where the row wrote `""` (`quoted`: the row was split by splitRow,
 * which lists those cells).
 */
function cellCode(role: Role, i: number, quoted: boolean): string[] {
  switch (role.kind) {
    case 'skip':
      return []
    case 'measurement':
      // The measurements met so far, kept and checked, are compared with as they are: cheaper than a Map, whose key would be hashed anew for each row's slice.
      return ['if (a === b) return undefined', 'm = c.slice(a, b)', 'k = 0', 'while (k < KM.length && KM[k] !== m) k++', 'if (k < KM.length) m = KM[k]', 'else { m = MEASUREMENT(m); if (m === undefined) return undefined; if (KM.length < MAX_MEASUREMENTS) KM.push(m) }']
    case 'time':
      return ["t = INT(c, a, b, 'time')", 'if (t === undefined) return undefined']
    case 'tag':
      return ['if (a !== b) {', `  v${i} = c.slice(a, b)`, `  if (v${i} === L${i}) v${i} = L${i}`, `  else { v${i} = TAG(v${i}); if (v${i} === undefined) return undefined; L${i} = v${i} }`, '}']
    case 'field': {
      const present = quoted ? `a !== b || QUOTED_EMPTY.includes(${i})` : 'a !== b'
      return [`if (${present}) {`, ...FIELD_CODE[role.type](`x${i}`).map((line) => `  ${line}`), '}']
    }
  }
}

/** The source of the row reader for these roles (its separator comes in as SEP). */
export function rowReaderSource(roles: readonly Role[]): string {
  const slots: string[] = []
  const locals = ['m', 't', 'k']
  roles.forEach((role, i) => {
    if (role.kind === 'tag') {
      slots.push(`L${i} = ''`)
      locals.push(`v${i}`)
    } else if (role.kind === 'field') locals.push(`x${i}`)
  })
  // A row without quotes: its cells are found in the text, where most are empty in a table that several measurements share (one comparison finds those).
  const plain = ['const c = text', 'let a = 0, b = 0']
  roles.forEach((role, i) => {
    const last = i === roles.length - 1
    const end = last ? ['b = c.indexOf(SEP, a)', 'if (b >= 0) return undefined', 'b = c.length'] : ['if (c.charCodeAt(a) === SEPCODE) b = a', 'else { b = c.indexOf(SEP, a + 1); if (b < 0) return undefined }']
    plain.push(...end, ...cellCode(role, i, false))
    if (!last) plain.push('a = b + 1')
  })
  // A row with quotes: splitRow() unquotes its cells (rare enough to afford an array).
  const quoted = ['const cells = SPLIT(text)', `if (cells === undefined || cells.length !== ${roles.length}) return undefined`, 'let c, a = 0, b']
  roles.forEach((role, i) => {
    if (role.kind !== 'skip') quoted.push(`c = cells[${i}]`, 'b = c.length', ...cellCode(role, i, true))
  })
  const code = [`let ${locals.join(', ')}`, 'if (text.indexOf(\'"\') < 0) {', ...plain, '} else {', ...quoted, '}']
  // Tags in the order of the plan (by label), fields in column order, as recordOf() makes them.
  const tags = roles.flatMap((role, i) => (role.kind === 'tag' ? [{ label: role.label, i }] : [])).sort((p, q) => (p.label < q.label ? -1 : p.label > q.label ? 1 : 0))
  code.push('const tags = {}', ...tags.map(({ label, i }) => `if (v${i} !== undefined) tags[${lit(label)}] = v${i}`))
  code.push('const fields = {}', 'let n = 0')
  // A label on two field columns (one name written with two types): a row may fill one of them; one filling both goes to the general path, which reports it.
  const seen = new Set<string>()
  const repeated = new Set(roles.flatMap((role) => (role.kind !== 'field' ? [] : seen.has(role.label) ? [role.label] : (seen.add(role.label), []))))
  roles.forEach((role, i) => {
    if (role.kind !== 'field') return
    const check = repeated.has(role.label) ? `if (fields[${lit(role.label)}] !== undefined) return undefined; ` : ''
    code.push(`if (x${i} !== undefined) { ${check}fields[${lit(role.label)}] = { type: ${lit(FIELD_TYPE_NAMES[role.type])}, value: x${i} }; n++ }`)
  })
  code.push('if (n === 0) return undefined', 'return { measurement: m, tags, fields, timestamp: t }')
  return `const KM = [], SEPCODE = SEP.charCodeAt(0)${slots.length === 0 ? '' : `\nlet ${slots.join(', ')}`}\nreturn function readRow(text) {\n${code.join('\n')}\n}`
}

/** The compiled row reader of a table whose cells have these roles; throws where code generation is off. */
function compileRowReader(roles: readonly Role[], separator: string): CsvRowReader {
  const factory = new Function('SEP', 'SPLIT', 'QUOTED_EMPTY', 'INT', 'FLOAT', 'BOOLEANS', 'SURROGATE', 'LONE_SURROGATE', 'MEASUREMENT', 'MAX_MEASUREMENTS', 'TAG', rowReaderSource(roles))
  // Where a helper throws (a malformed quoted row, a name the record rules reject), the general path reads the row and names the error.
  const split = orUndefined((text: string) => splitRow(text, separator))
  const measurement = orUndefined((name: string) => validNames.measurements.get(name, 'measurement'))
  const tagValue = orUndefined((value: string) => validNames.tagValues.get(value, 'tags'))
  return factory(separator, split, quotedEmptyCells, integerOfText, floatOfText, BOOLEANS, SURROGATE, LONE_SURROGATE, measurement, MAX_MEASUREMENTS, tagValue) as CsvRowReader
}

/** Row readers compiled, by table (separator and roles): files repeat their tables. */
const compiled = new Map<string, CsvRowReader>()
/** Tables held before the cache starts over (each reader costs memory, and about a millisecond to compile). */
const MAX_COMPILED = 64
let codeGeneration = true

/**
 * The row reader of a table, compiled once per distinct table; undefined when
 * the table needs the general path (rolesOf) or code generation is off (node
 * --disallow-code-generation-from-strings).
 */
export function rowReaderOf(plan: Plan, keysChecked: boolean, separator: string): CsvRowReader | undefined {
  if (!codeGeneration) return undefined
  const roles = rolesOf(plan, keysChecked)
  if (roles === undefined) return undefined
  const key = separator + JSON.stringify(roles)
  let reader = compiled.get(key)
  if (reader === undefined) {
    try {
      reader = compileRowReader(roles, separator)
    } catch {
      codeGeneration = false
      return undefined
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear()
    compiled.set(key, reader)
  }
  return reader
}
