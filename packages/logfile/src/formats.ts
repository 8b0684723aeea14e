import path from 'node:path'
import { CsvDecoder } from './csv-decoder.js'
import { CsvEncoder } from './csv-encoder.js'
import { decodeJsonl } from './jsonl-decode.js'
import { encodeJsonl } from './jsonl-encode.js'
import { decodeLineProtocol } from './lp-decode.js'
import { encodeLineProtocol } from './lp-encode.js'
import { atRecord } from './name-cache.js'
import type { InfluxRecord, LogFormat } from './record.js'

const EXTENSIONS: Readonly<Record<string, LogFormat>> = { '.jsonl': 'jsonl', '.csv': 'csv', '.lp': 'lp' }

/** The format of a logfile from its extension (`.jsonl`, `.csv`, `.lp`, each optionally `.gz`), or undefined. */
export function formatFromPath(file: string): LogFormat | undefined {
  const name = file.endsWith('.gz') ? file.slice(0, -3) : file
  return EXTENSIONS[path.extname(name).toLowerCase()]
}

/** Turns the lines of one file into records; stateful for CSV. */
export interface LineDecoder {
  /** A record, or undefined for a line that holds none (blank, comment, CSV annotation or header, or `skip`). Throws on a bad line. */
  decode(text: string, line: number, skip: boolean): InfluxRecord | undefined
}

export function lineDecoder(format: LogFormat): LineDecoder {
  switch (format) {
    case 'jsonl':
      return { decode: (text, _line, skip) => (skip || text.trim() === '' ? undefined : decodeJsonl(text)) }
    case 'lp':
      return {
        decode(text, _line, skip) {
          if (skip) return undefined
          const trimmed = text.trimStart()
          return trimmed === '' || trimmed.startsWith('#') ? undefined : decodeLineProtocol(text)
        },
      }
    case 'csv': {
      const csv = new CsvDecoder()
      return { decode: (text, line, skip) => csv.decodeLine(text, line, skip) }
    }
  }
}

/** Checks and encodes records into whole lines (each ending in `\n`) as UTF-8; stateful for CSV. */
export interface ChunkEncoder {
  /** Throws `RecordError` naming the record's index. */
  encode(records: readonly InfluxRecord[]): Buffer
  /** The file changed under us (new file, or another writer): CSV starts a new annotation block. */
  reset(): void
}

/**
 * Lines to UTF-8, each followed by `\n`, written straight into one buffer: a long
 * string of concatenated lines would first have to be flattened, which costs more
 * than encoding them.
 */
export function linesToBytes(lines: readonly string[]): Buffer {
  let units = lines.length
  for (const line of lines) units += line.length
  const bytes = Buffer.allocUnsafe(units * 3) // a UTF-16 unit is at most 3 UTF-8 bytes
  let length = 0
  for (const line of lines) {
    length += bytes.write(line, length)
    bytes[length++] = 0x0a
  }
  return bytes.subarray(0, length)
}

export function chunkEncoder(format: LogFormat): ChunkEncoder {
  if (format === 'csv') {
    const csv = new CsvEncoder()
    return { encode: (records) => Buffer.from(csv.encode(records)), reset: () => csv.reset() }
  }
  const encodeLine = format === 'jsonl' ? encodeJsonl : encodeLineProtocol
  return {
    encode(records) {
      const lines = new Array<string>(records.length)
      for (let i = 0; i < records.length; i++) {
        try {
          lines[i] = encodeLine(records[i]!)
        } catch (error) {
          throw atRecord(error, i, records.length)
        }
      }
      return linesToBytes(lines)
    },
    reset() {},
  }
}
