import path from 'node:path'
import { CsvDecoder } from './csv-decoder.js'
import { CsvEncoder } from './csv-encoder.js'
import { decodeJsonl } from './jsonl-decode.js'
import { jsonlLine } from './jsonl-encode.js'
import { decodeLineProtocol } from './lp-decode.js'
import { LogfileError } from './errors.js'
import { lineProtocolLine } from './lp-encode.js'
import { ExportSections } from './lp-export-sections.js'
import { atRecord } from './name-cache.js'
import { isGzipPath } from './file-naming.js'
import type { InfluxRecord, LogFormat } from './record.js'

const EXTENSIONS: Readonly<Record<string, LogFormat>> = { '.jsonl': 'jsonl', '.csv': 'csv', '.lp': 'lp' }

/** The format of a logfile from its extension (`.jsonl`, `.csv`, `.lp`, each optionally `.gz`; any case), or undefined. */
export function formatFromPath(file: string): LogFormat | undefined {
  const name = isGzipPath(file) ? file.slice(0, -3) : file
  return EXTENSIONS[path.extname(name).toLowerCase()]
}

/** Turns the lines of one file into records; stateful for CSV. */
export interface LineDecoder {
  /**
   * A record, or undefined for a line that holds none (blank, comment, CSV annotation or header, a statement
   * of an InfluxDB export's DDL section, or `skip`). Throws a `LogfileError` on a bad line, `ReadingStopped`
   * when the file must not be read past this line.
   */
  decode(text: string, line: number, skip: boolean): InfluxRecord | undefined
}

export function lineDecoder(format: LogFormat): LineDecoder {
  switch (format) {
    case 'jsonl':
      return { decode: (text, _line, skip) => (skip || (text.charCodeAt(0) !== 0x7b /* { */ && text.trim() === '') ? undefined : decodeJsonl(text)) }
    case 'lp': {
      // An InfluxDB 1.x export's comments say where its points belong and which lines are statements (lp-export-sections.ts).
      const sections = new ExportSections()
      return {
        decode(text, line, skip) {
          const trimmed = text.trimStart()
          if (trimmed === '') return undefined
          // Read also when skipped: a file read from an offset keeps the context of the lines before it.
          if (trimmed.charCodeAt(0) === 0x23 /* # */) {
            sections.comment(trimmed, line)
            return undefined
          }
          if (skip) return undefined
          if (!sections.mayBeStatement(trimmed)) return decodeLineProtocol(text)
          // A line of the DDL section that starts like a statement is a point when it parses as one
          // (measurement `drop`, `Grant`), else an InfluxQL statement: skipped, no bad line.
          try {
            return decodeLineProtocol(text)
          } catch (error) {
            if (error instanceof LogfileError) return undefined
            throw error
          }
        },
      }
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

/** Lines are joined into pieces of about this many UTF-16 units before they are written to the buffer. */
const PIECE_UNITS = 16 * 1024

/**
 * UTF-8 bytes built from text appended piece by piece: lines are concatenated
 * into pieces of about 16 K characters, each written to the buffer with one
 * call. One call per line costs more (each line is flattened and transcoded on
 * its own); one string for the whole batch costs more too (a large allocation).
 */
export class ByteBuilder {
  private bytes: Buffer
  private length = 0
  private piece = ''

  constructor(expectedBytes: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(4096, expectedBytes))
  }

  /** Appends `text` (`\n` included by the caller). */
  add(text: string): void {
    this.piece += text
    if (this.piece.length >= PIECE_UNITS) this.flushPiece()
  }

  /** The bytes so far (a view of the builder's buffer). */
  finish(): Buffer {
    this.flushPiece()
    return this.bytes.subarray(0, this.length)
  }

  private flushPiece(): void {
    const piece = this.piece
    if (piece === '') return
    const most = this.length + piece.length * 3 // a UTF-16 unit is at most 3 UTF-8 bytes
    if (most > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(most, this.bytes.length * 2))
      this.bytes.copy(grown, 0, 0, this.length)
      this.bytes = grown
    }
    this.length += this.bytes.write(piece, this.length)
    this.piece = ''
  }
}

/** Lines to UTF-8, each followed by `\n`. */
export function linesToBytes(lines: readonly string[]): Buffer {
  const builder = new ByteBuilder(lines.length * 160)
  for (const line of lines) builder.add(`${line}\n`)
  return builder.finish()
}

export function chunkEncoder(format: LogFormat): ChunkEncoder {
  if (format === 'csv') {
    const csv = new CsvEncoder()
    return {
      encode(records) {
        const builder = new ByteBuilder(records.length * 100)
        csv.encodeTo(records, (text) => builder.add(text))
        return builder.finish()
      },
      reset: () => csv.reset(),
    }
  }
  const encodeLine = format === 'jsonl' ? jsonlLine : lineProtocolLine
  return {
    encode(records) {
      const builder = new ByteBuilder(records.length * 160)
      for (let i = 0; i < records.length; i++) {
        let line: string
        try {
          line = encodeLine(records[i]!, '\n')
        } catch (error) {
          throw atRecord(error, i, records.length)
        }
        builder.add(line)
      }
      return builder.finish()
    },
    reset() {},
  }
}
