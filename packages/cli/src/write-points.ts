import type { EHTConfig } from '@eht-influx-client/config'
import type { InfluxRecord } from '@eht-influx-client/logfile'
import type { LineSink, WriteResult } from '@eht-influx-client/writer'
import type { BadLineReport } from './bad-lines.js'
import { InputError } from './errors.js'
import { MAX_LINE_BYTES, type LineBatch, type LineInput } from './input-lines.js'
import type { Interrupt } from './interrupt.js'
import { loggedLineBytes } from './logged-size.js'
import type { PointDecoder } from './point-decoder.js'
import type { ServerCounts } from './delivery-report.js'
import { onlyFirstLogfileFailure, withoutSkippedPoints } from './report-filters.js'

/**
 * Input lines longer than this (UTF-16 units) have their logged size checked: an encoded line is
 * at most 6 times as long as its text (a control character in JSON), below this it fits.
 */
const LONG_LINE = MAX_LINE_BYTES / 6 - 1024
/** Points per writePoints() call. */
const BATCH = 5000
/**
 * Input quiet this long with points read and not yet written (a script piping
 * a point now and then): they go to the logfile and the servers at once,
 * instead of waiting in memory for the batch to fill or the input to end.
 */
export const IDLE_WRITE_MS = 100

/** Whether `reading` settles, or Ctrl-C comes, within `ms`. */
async function settlesWithin(reading: Promise<unknown>, interrupt: Interrupt, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const settled = () => true
  try {
    return await interrupt.race(Promise.race([reading.then(settled, settled), new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)))]))
  } catch {
    return true // Ctrl-C: the loop stops at its next wait
  } finally {
    clearTimeout(timer)
  }
}

export interface WriteRequest {
  config: EHTConfig
  input: LineInput
  decoder: PointDecoder
  /** Wait for every server (through retries) after each batch; else one attempt at the end, the rest spooled. */
  sync: boolean
  interrupt: Interrupt
  badLines: BadLineReport
  /** Where the writer's own report lines go (`[errors] stderr`). */
  stderr: LineSink
}

export interface WriteOutcome {
  /** Points handed to the writer: logged (but see notLogged) and handed to every server. */
  points: number
  servers: Record<string, ServerCounts>
  /** Ctrl-C stopped the reading; what was read is logged and delivered or spooled. */
  interrupted: boolean
  /** Points the logfile could not take (they still went to the servers), undefined when it took every one. */
  notLogged: NotLogged | undefined
  /** The writer's message when the logfile could not be closed at the end (a failed fsync): it may not be on disk whole. */
  logfileCloseError?: string
}

/** Points of writer calls the logfile could not take: what, where in the input, and why (the first cause). */
export interface NotLogged {
  points: number
  /** Input lines of the first and the last such point. */
  firstLine: number
  lastLine: number
  /** Why the logfile could not be written, e.g. `cannot append to /x/log.jsonl: ENOSPC: no space left on device, write`. */
  cause: string
}

/**
 * writePoints() stopped early on an error it cannot go on after: the outcome
 * so far (for the summary), the last input line read, and the error.
 */
export class WriteStopped extends Error {
  constructor(
    readonly outcome: WriteOutcome,
    readonly afterLine: number,
    override readonly cause: unknown,
  ) {
    super(`stopped after line ${afterLine}`, { cause })
  }
}

/** `point 3, column "x": reason` -> `column "x": reason` (the index is of the batch, not of the input). */
const withoutIndex = (message: string) => message.replace(/^point \d+(, )?(: )?/, '')

/**
 * Reads the input line by line and writes its points through the writer
 * (`EHTInfluxDBClient`: the logfile first, then every enabled server), 5000
 * at a time, or all that were read once the input has been quiet for
 * IDLE_WRITE_MS. Bad
 * lines (also: not UTF-8, or longer than the logfile readers take), and points the writer refuses (e.g. a timestamp before 1990), are
 * reported with their line and skipped. On Ctrl-C it reads no further chunk;
 * every line read so far (the rest of the chunk being decoded too) is still
 * logged, sent once and spooled if a server fails. An input that breaks off (a
 * truncated .gz) is an InputError, thrown once the lines before the break are
 * logged and sent.
 *
 * When the logfile cannot be written (a full disk), the writer still hands
 * the points to the servers: they are counted as not logged and the rest of
 * the input is written on (each call tries the logfile again). Any other
 * failure stops the reading: WriteStopped says after which line.
 */
export async function writePoints(request: WriteRequest): Promise<WriteOutcome> {
  const { input, decoder, badLines, interrupt } = request
  const { EHTInfluxDBClient, LogfileWriteError } = await import('@eht-influx-client/writer')
  // The command printed the configuration's warnings already (once); it reports a failing logfile itself, with the count.
  const client = await EHTInfluxDBClient.fromConfig({ ...request.config, warnings: [] }, { drainSpool: false, stderr: onlyFirstLogfileFailure(withoutSkippedPoints(request.stderr)) })
  /** The input line of each point of the call being made: the writer reports a point it refuses (synchronously) by its index. */
  let callLines: number[] = []
  let refusedInCall = new Set<number>()
  const api = client.writeApi({
    writeMode: request.sync ? 'synchronous' : 'asynchronous',
    skipInvalid: true,
    onInvalid(error) {
      if (error.row !== undefined) refusedInCall.add(error.row)
      const line = error.row === undefined ? 0 : (callLines[error.row] ?? 0)
      badLines.add({ file: input.name, line, reason: withoutIndex(error.message), text: '' })
    },
  })
  let points = 0
  let interrupted = false
  let notLogged: NotLogged | undefined
  let records: InfluxRecord[] = []
  let lines: number[] = []
  /** The last input line read and handed over (for a stop: "stopped after line N"). */
  let lastLine = 0
  /** Calls made or cut short after Ctrl-C: api.close() settles them (a retry waiting for its delay spooled at once). */
  const cutShort: Promise<void>[] = []
  /**
   * A call the logfile failed: its points went to the servers all the same (the writer does so), they
   * are counted and the input goes on. `handed`: the input lines of the call's points, in order.
   */
  const countNotLogged = (error: unknown, handed: number[]) => {
    if (!LogfileWriteError.isInstance(error)) throw error
    points += handed.length
    const cause = error.cause instanceof Error ? error.cause : error
    // The logfile keeps the records written whole before it failed (a disk filling up mid-call): the first ones.
    const written = (cause as { recordsWritten?: unknown }).recordsWritten
    const missing = handed.slice(typeof written === 'number' ? written : 0)
    if (missing.length === 0) return
    notLogged ??= { points: 0, firstLine: missing[0]!, lastLine: 0, cause: cause.message }
    notLogged.points += missing.length
    notLogged.lastLine = missing.at(-1)!
  }
  /** Hands what was read to the writer (logfile first); after Ctrl-C without waiting for the servers. */
  const send = async () => {
    if (records.length === 0) return
    const [batch, numbers] = [records, lines]
    records = []
    lines = []
    callLines = numbers
    refusedInCall = new Set()
    const call = api.writePoints(batch)
    const refused = refusedInCall // filled during the call (synchronously): final here
    lastLine = numbers.at(-1) ?? lastLine
    // --sync: push the batch out now rather than after flush_interval (the call waits for the servers).
    if (request.sync) void api.flush().catch(() => undefined)
    const counted = call.then(
      (result: WriteResult) => void (points += result.points),
      (error: unknown) => countNotLogged(error, numbers.filter((_, i) => !refused.has(i))),
    )
    if (interrupted) {
      counted.catch(() => undefined) // awaited (and its error thrown) once api.close() has run
      cutShort.push(counted)
      return
    }
    try {
      // --sync waits through the [retry] schedule while a server is down (up to max_retry_time): Ctrl-C must not.
      await interrupt.race(counted)
    } catch (error) {
      if (!interrupt.signal.aborted) throw error
      // Not closed yet: the rest of the chunk read with this batch is handed over first (a write after close() throws).
      interrupted = true
      cutShort.push(counted)
    }
  }
  const logfile = await import('@eht-influx-client/logfile')
  // The tags the writer adds to a point that lacks them (as the client's writeApi() does): they are logged too.
  const { station } = request.config.client
  const defaultTags: Record<string, string> = station === undefined ? {} : { station }
  // Each character of a default tag may take up to 6 bytes in the logged line (JSON escapes, with its key and separators).
  const longLine = LONG_LINE - 6 * Object.entries(defaultTags).reduce((sum, [key, value]) => sum + key.length + value.length + 2, 0)
  /** The point of a line, or undefined (none, or a bad line: reported). */
  const decode = (text: string, line: number): InfluxRecord | undefined => {
    try {
      const record = decoder.decode(text, line)
      // A long line may make a logged (or spooled) line too long to be read back.
      if (record !== undefined && text.length > longLine) {
        const bytes = loggedLineBytes(logfile, request.config.logfile.format, record, defaultTags)
        if (bytes > MAX_LINE_BYTES) {
          badLines.add({ file: input.name, line, reason: `as logged its line would be ${bytes} bytes, more than the ${MAX_LINE_BYTES} the logfile readers take`, text: text.slice(0, 4096) })
          return undefined
        }
      }
      return record
    } catch (error) {
      if (!logfile.LogfileError.isInstance(error)) throw error
      const column = (error as { column?: unknown }).column
      badLines.add({ file: input.name, line, ...(typeof column === 'number' ? { column } : {}), reason: error.message, text: text.slice(0, 4096) })
      return undefined
    }
  }
  /** The input broke off (a truncated .gz): what was read before the break is still logged and sent, then this is thrown. */
  let broken: InputError | undefined
  try {
    for (;;) {
      const reading = input.batches.next()
      // What reading gave, once it has (a send that waits for the servers can outlast it); its failure is
      // handled below, or not needed after Ctrl-C.
      let read: IteratorResult<LineBatch> | undefined
      reading.then((result) => (read = result)).catch(() => undefined)
      // What was read goes to the logfile now if the input has gone quiet: a kill must not lose it.
      if (records.length > 0 && !(await settlesWithin(reading, interrupt, IDLE_WRITE_MS))) await send()
      let next: IteratorResult<LineBatch>
      try {
        // a read blocked on a quiet stdin must not delay Ctrl-C
        next = await interrupt.race(reading)
      } catch (error) {
        if (interrupt.signal.aborted) interrupted = true
        else if (error instanceof InputError) broken = error
        else throw error
        // A chunk read before Ctrl-C (while the send above waited for a server) is logged too.
        if (!interrupted || read === undefined) break
        next = read
      }
      if (next.done === true) break
      const { first, texts, problems } = next.value
      // Once read, a line is logged: after a Ctrl-C during a send the rest of this chunk is still
      // decoded and handed over (one call, below); only the chunks after it are left unread.
      for (let i = 0; i < texts.length; i++) {
        const problem = problems?.get(i)
        if (problem !== undefined) {
          // Not UTF-8, or too long to be replayed: never logged.
          badLines.add({ file: input.name, line: first + i, reason: problem, text: texts[i]!.slice(0, 4096) })
          continue
        }
        const record = decode(texts[i]!, first + i)
        if (record === undefined) continue
        records.push(record)
        lines.push(first + i)
        if (records.length >= BATCH && !interrupted) await send()
      }
      if (interrupted) break
    }
    // Points read before Ctrl-C or a broken input are still logged and sent.
    await send()
    if (interrupted) {
      // close() flushes in a hurry: a retry waiting for its delay is cut short and its points are
      // spooled at once (a request in flight still gets its one answer or timeout). It settles every call.
      await api.close()
      for (const call of cutShort) await call
    }
  } catch (error) {
    // What was handed over is still delivered (or spooled) and counted; the summary says how far it got.
    await client.close().catch(() => undefined)
    throw new WriteStopped({ points, servers: serverCounts(client.stats()), interrupted, notLogged }, lastLine, error)
  } finally {
    input.close()
  }
  let logfileCloseError: string | undefined
  // The servers were closed all the same (every point accepted or spooled): it is said with the summary.
  await client.close().catch((error: unknown) => {
    if (!LogfileWriteError.isInstance(error)) throw error
    logfileCloseError = error.message
  })
  if (broken !== undefined) throw broken
  return { points, servers: serverCounts(client.stats()), interrupted, notLogged, ...(logfileCloseError === undefined ? {} : { logfileCloseError }) }
}

function serverCounts(stats: Record<string, ServerCounts>): Record<string, ServerCounts> {
  const servers: Record<string, ServerCounts> = {}
  for (const [name, s] of Object.entries(stats)) servers[name] = { delivered: s.delivered, spooled: s.spooled, rejected: s.rejected, dropped: s.dropped, ...(s.dropCause === undefined ? {} : { dropCause: s.dropCause }) }
  return servers
}
