import { ConfigSyntaxError, DuplicateKeyError, DuplicateServerError } from './errors.js'

export interface ScannedSection {
  name: string
  line: number
  column: number
  /** How to name it in messages when it was written differently (a migrated old-format file). */
  label?: { section: string; key?: string }
}

export interface ScannedEntry {
  section: string
  key: string
  /** Comment stripped, surrounding quotes removed, trimmed. */
  value: string
  line: number
  column: number
  label?: { section: string; key?: string }
}

export interface Scanned {
  sections: ScannedSection[]
  entries: ScannedEntry[]
}

const SECTION_LINE = /^(\s*)\[([^\]]*)\]\s*(?:[;#].*)?$/
const SECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/
const KEY_NAME = /^[A-Za-z][A-Za-z0-9_]*$/
export const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

/**
 * A server name as `EHT_INFLUX_SERVER_<NAME>_<KEY>` writes it: upper case, `-` as `_`. Two servers
 * with one such name (`cloud-eu`, `cloud_eu`) are refused: a variable would set only one of them.
 */
export function serverKey(name: string): string {
  return name.toUpperCase().replaceAll('-', '_')
}

/**
 * The value after `=`: a quoted value ends at its closing quote (`"` allows `\"` and `\\`);
 * an unquoted one at a `;` or `#` that starts the text or follows a space (an inline comment).
 * Never echoes the value in an error: it may be a token.
 */
function readValue(text: string, fail: (problem: string) => never): string {
  const body = text.trimStart()
  const quote = body[0]
  if (quote === '"' || quote === "'") {
    let value = ''
    for (let i = 1; i < body.length; i++) {
      const c = body[i]!
      if (c === quote) {
        const rest = body.slice(i + 1).trim()
        if (rest !== '' && !/^[;#]/.test(rest)) fail(`unexpected text after the closing ${quote}; put a comment after a space and ; or #`)
        return value
      }
      if (c === '\\' && quote === '"' && (body[i + 1] === '"' || body[i + 1] === '\\')) {
        value += body[++i]
      } else {
        value += c
      }
    }
    fail(`the value opens a ${quote} quote that is never closed`)
  }
  const comment = /(^|\s)[;#]/.exec(body)
  return (comment === null ? body : body.slice(0, comment.index)).trim()
}

/** Splits INI text into sections and entries with their line and column, rejecting what `ini` would silently misread. */
export function scan(text: string, file: string | undefined): Scanned {
  const sections: ScannedSection[] = []
  const entries: ScannedEntry[] = []
  /** Section as compared -> its line and name as written (a server by its environment prefix, see serverKey). */
  const sectionLines = new Map<string, { line: number; name: string }>()
  const keyLines = new Map<string, number>()
  let current: string | undefined
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  lines.forEach((raw, index) => {
    const line = index + 1
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) return
    const indent = raw.length - raw.trimStart().length
    const at = (column: number, section = current, key?: string) => ({ file, line, column, section, key })
    if (trimmed.startsWith('[')) {
      const match = SECTION_LINE.exec(raw)
      if (match === null) throw new ConfigSyntaxError('a section header is [name] alone on its line (a comment may follow after ; or #)', at(indent + 1, undefined))
      const name = match[2]!.trim()
      const column = indent + 1
      if (name === 'server' || name === 'server.') throw new ConfigSyntaxError('a server section needs a name: [server.<name>], such as [server.local]', at(column, name))
      if (!SECTION_NAME.test(name)) throw new ConfigSyntaxError('a section name is letters, digits, _ and - (a server section is [server.<name>])', at(column, name))
      if (name.startsWith('server.') && !SERVER_NAME.test(name.slice(7))) {
        throw new ConfigSyntaxError(`a server name is letters, digits, _ and -, without dots: \`${name.slice(7)}\``, at(column, name))
      }
      const seenAs = name.startsWith('server.') ? `server.${serverKey(name.slice(7))}` : name
      const earlier = sectionLines.get(seenAs)
      if (earlier !== undefined) {
        if (name.startsWith('server.') && earlier.name.toLowerCase() === name.toLowerCase()) {
          throw new DuplicateServerError(`two servers named \`${name.slice(7)}\` (lines ${earlier.line} and ${line}; server names compare without case); give each its own name`, at(column, name))
        }
        if (name.startsWith('server.')) {
          throw new DuplicateServerError(`[${earlier.name}] (line ${earlier.line}) and [${name}] (line ${line}) differ only in case, - or _, so both would be set by EHT_INFLUX_SERVER_${serverKey(name.slice(7))}_<KEY>; give each its own name`, at(column, name))
        }
        throw new DuplicateKeyError(`section [${name}] appears twice (lines ${earlier.line} and ${line}); merge them into one`, at(column, name))
      }
      sectionLines.set(seenAs, { line, name })
      sections.push({ name, line, column })
      current = name
      return
    }
    const separator = /[=:]/.exec(raw)
    if (separator === null) throw new ConfigSyntaxError('expected `key = value` or `[section]`', at(indent + 1))
    const key = raw.slice(0, separator.index).trim()
    if (!KEY_NAME.test(key)) throw new ConfigSyntaxError('expected `key = value`: the text before = is not a key name (letters, digits and _)', at(indent + 1))
    if (current === undefined) throw new ConfigSyntaxError(`\`${key}\` comes before any [section]`, at(indent + 1, undefined, key))
    const value = readValue(raw.slice(separator.index + 1), (problem) => {
      throw new ConfigSyntaxError(problem, at(indent + 1, current, key))
    })
    const earlier = keyLines.get(`${current}\u0000${key}`)
    if (earlier !== undefined) throw new DuplicateKeyError(`set twice in [${current}] (lines ${earlier} and ${line}); keep one`, at(indent + 1, current, key))
    keyLines.set(`${current}\u0000${key}`, line)
    entries.push({ section: current, key, value, line, column: indent + 1 })
  })
  return { sections, entries }
}
