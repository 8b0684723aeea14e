import fs from 'node:fs'
import { once } from 'node:events'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
import { chunkEncoder, type InfluxRecord, type LogFormat } from '@eht-influx-client/logfile'
import { ExportOutputError } from './errors.js'

/** Where an export writes its windows: `append` one window at a time, then `close`. */
export interface ExportWriter {
  append(records: readonly InfluxRecord[]): Promise<void>
  /** Ends the output (a gzip output gets its trailer: the windows written so far read back whole). */
  close(): Promise<void>
}

/**
 * A gzip output, compressed as it is written: the encoded windows go through
 * zlib straight into `file`, so no plain copy is kept anywhere (nothing is left
 * behind by a Ctrl-C, and the disk needs only the compressed size). The file is
 * created (or truncated: the caller has checked that it is absent or empty)
 * before anything is read, so a name that cannot be written fails first.
 */
export async function openGzipOutput(file: string, format: LogFormat): Promise<ExportWriter> {
  const fail = (error: unknown, what = '') => new ExportOutputError(`cannot write output ${file}: ${what}${(error as Error).message}`, file, { cause: error })
  const out = fs.createWriteStream(file, { flags: 'w' })
  try {
    await once(out, 'open')
  } catch (error) {
    throw fail(error)
  }
  const gzip = zlib.createGzip()
  let failure: unknown
  const done = pipeline(gzip, out).catch((error: unknown) => {
    failure ??= error
  })
  // The bytes the logfile writer would write (CSV repeats its header only when the columns change).
  const encoder = chunkEncoder(format)
  let closed = false
  return {
    async append(records) {
      if (failure !== undefined) throw fail(failure, 'compressing failed: ')
      if (gzip.write(encoder.encode(records))) return
      // Backpressure: wait until zlib and the disk catch up (or the pipeline fails, which ends `done`).
      const waiting = new AbortController()
      await Promise.race([once(gzip, 'drain', { signal: waiting.signal }).catch(() => {}), done]).finally(() => waiting.abort())
      if (failure !== undefined) throw fail(failure, 'compressing failed: ')
    },
    async close() {
      if (!closed) {
        closed = true
        gzip.end()
      }
      await done
      if (failure !== undefined) throw fail(failure, 'compressing failed: ')
    },
  }
}
