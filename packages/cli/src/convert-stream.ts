import type { BadLine, InfluxRecord, LogFormat, ReadItem } from '@eht-influx-client/logfile'
import { CliError, InputError } from './errors.js'
import { openFileSink } from './file-sink.js'
import type { Interrupt } from './interrupt.js'

export interface ConvertRequest {
  input: string
  output: string
  from: LogFormat
  to: LogFormat
  /** Replace an existing output (else it must not exist when the conversion ends). */
  overwrite: boolean
  interrupt: Interrupt
  /** Every line that could not be read or re-encoded (it is skipped and counted). */
  onBadLine(bad: BadLine): void
  /** After each batch: bytes read so far (in the decompressed input) and points written. */
  onProgress(offset: number, points: number): void
}

export interface ConvertOutcome {
  points: number
  badLines: number
  bytesWritten: number
}

const BATCH = 1000

type Encode = (records: InfluxRecord[]) => string

/**
 * Streams one logfile into another format with flat memory: read through
 * logfile's readLogFile, encode in batches, write with backpressure to a
 * partial file renamed over the output at the end. Ctrl-C or a failure
 * removes the partial file.
 */
export async function convertLogFile(request: ConvertRequest): Promise<ConvertOutcome> {
  const logfile = await import('@eht-influx-client/logfile')
  const joinLines = (encodeOne: (r: InfluxRecord) => string): Encode => (records) => (records.length === 0 ? '' : `${records.map(encodeOne).join('\n')}\n`)
  const csv = new logfile.CsvEncoder()
  const encode: Encode = request.to === 'csv' ? (records) => csv.encode(records) : joinLines(request.to === 'lp' ? logfile.encodeLineProtocol : logfile.encodeJsonl)
  let badLines = 0
  const reportBad = (bad: BadLine) => {
    badLines += 1
    request.onBadLine(bad)
  }

  /** A batch whose encoding fails is encoded record by record, so that only the bad record is skipped. */
  const encodeBatch = (items: readonly ReadItem[]): { text: string; written: number } => {
    try {
      return { text: encode(items.map((i) => i.record)), written: items.length }
    } catch (error) {
      if (!logfile.LogfileError.isInstance(error)) throw error
    }
    let text = ''
    let written = 0
    for (const item of items) {
      try {
        text += encode([item.record])
        written += 1
      } catch (error) {
        if (!logfile.LogfileError.isInstance(error)) throw error
        reportBad({ file: item.file, line: item.line, reason: `cannot be written as ${request.to}: ${(error as Error).message}`, text: '' })
      }
    }
    return { text, written }
  }

  const records = logfile.readLogFile(request.input, { format: request.from, onBadLine: reportBad })[Symbol.asyncIterator]()
  const sink = await openFileSink(request.output, { overwrite: request.overwrite })
  let points = 0
  let batch: ReadItem[] = []
  const flush = async () => {
    if (batch.length === 0) return
    const { text, written } = encodeBatch(batch)
    await sink.write(text)
    points += written
    request.onProgress(batch.at(-1)!.endOffset, points)
    batch = []
  }
  try {
    for (;;) {
      // a read blocked on a slow disk or a pipe must not delay Ctrl-C
      const next = await request.interrupt.race(records.next())
      if (next.done === true) break
      batch.push(next.value)
      if (batch.length >= BATCH) await flush()
      request.interrupt.throwIfInterrupted()
    }
    await flush()
    request.interrupt.throwIfInterrupted()
    await sink.commit()
  } catch (error) {
    await sink.abort()
    void records.return?.(undefined)?.catch(() => {})
    if (logfile.LogfileError.isInstance(error) && !CliError.isInstance(error)) throw new InputError(`cannot read ${request.input}: ${error.message}`, { cause: error })
    throw error
  }
  return { points, badLines, bytesWritten: sink.bytesWritten }
}
