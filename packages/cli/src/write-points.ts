import type { EHTConfig } from '@eht-influx-client/config'
import type { InfluxRecord } from '@eht-influx-client/logfile'
import type { LineSink } from '@eht-influx-client/writer'
import type { BadLineReport } from './bad-lines.js'
import type { LineInput } from './input-lines.js'
import type { Interrupt } from './interrupt.js'
import type { PointDecoder } from './point-decoder.js'
import type { ServerCounts } from './delivery-report.js'
import { withoutSkippedPoints } from './report-filters.js'

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
  /** Points written to the logfile (and handed to every server). */
  points: number
  servers: Record<string, ServerCounts>
  /** Ctrl-C stopped the reading; what was read is logged and delivered or spooled. */
  interrupted: boolean
}

/** `point 3, column "x": reason` -> `column "x": reason` (the index is of the batch, not of the input). */
const withoutIndex = (message: string) => message.replace(/^point \d+(, )?(: )?/, '')

/**
 * Reads the input line by line and writes its points through the writer
 * (`EHTInfluxDBClient`: the logfile first, then every enabled server), 5000
 * at a time, or all that were read once the input has been quiet for
 * IDLE_WRITE_MS. Bad
 * lines, and points the writer refuses (e.g. a timestamp before 1990), are
 * reported with their line and skipped. On Ctrl-C it stops reading; the points
 * read so far are still logged, sent once and spooled if a server fails.
 */
export async function writePoints(request: WriteRequest): Promise<WriteOutcome> {
  const { input, decoder, badLines, interrupt } = request
  const { EHTInfluxDBClient } = await import('@eht-influx-client/writer')
  const { LogfileError } = await import('@eht-influx-client/logfile')
  // The command printed the configuration's warnings already (once).
  const client = await EHTInfluxDBClient.fromConfig({ ...request.config, warnings: [] }, { drainSpool: false, stderr: withoutSkippedPoints(request.stderr) })
  const api = client.writeApi({ writeMode: request.sync ? 'synchronous' : 'asynchronous', skipInvalid: true })
  let points = 0
  let interrupted = false
  let records: InfluxRecord[] = []
  let lines: number[] = []
  const send = async () => {
    if (records.length === 0) return
    const [batch, numbers] = [records, lines]
    records = []
    lines = []
    const call = api.writePoints(batch)
    // --sync: push the batch out now rather than after flush_interval (the call waits for the servers).
    if (request.sync) void api.flush().catch(() => undefined)
    let result: Awaited<typeof call>
    try {
      // --sync waits through the [retry] schedule while a server is down (up to max_retry_time): Ctrl-C must not.
      result = await interrupt.race(call)
    } catch (error) {
      if (!interrupt.signal.aborted) throw error
      interrupted = true
      // close() flushes in a hurry: a retry waiting for its delay is cut short and its points are
      // spooled at once (a request in flight still gets its one answer or timeout). It settles `call`.
      await api.close()
      result = await call
    }
    points += result.points
    for (const error of result.skipped) {
      const line = error.row === undefined ? 0 : numbers[error.row]!
      badLines.add({ file: input.name, line, reason: withoutIndex(error.message), text: '' })
    }
  }
  /** The point of a line, or undefined (none, or a bad line: reported). */
  const decode = (text: string, line: number): InfluxRecord | undefined => {
    try {
      return decoder.decode(text, line)
    } catch (error) {
      if (!LogfileError.isInstance(error)) throw error
      const column = (error as { column?: unknown }).column
      badLines.add({ file: input.name, line, ...(typeof column === 'number' ? { column } : {}), reason: error.message, text: text.slice(0, 4096) })
      return undefined
    }
  }
  try {
    for (;;) {
      const reading = input.batches.next()
      // What was read goes to the logfile now if the input has gone quiet: a kill must not lose it.
      if (records.length > 0 && !(await settlesWithin(reading, interrupt, IDLE_WRITE_MS))) await send()
      // a read blocked on a quiet stdin must not delay Ctrl-C
      const next = await interrupt.race(reading).catch((error: unknown) => {
        if (interrupt.signal.aborted) return undefined
        throw error
      })
      if (next === undefined) {
        interrupted = true
        break
      }
      if (next.done === true) break
      const { first, texts } = next.value
      for (let i = 0; i < texts.length; i++) {
        const record = decode(texts[i]!, first + i)
        if (record === undefined) continue
        records.push(record)
        lines.push(first + i)
        if (records.length >= BATCH) await send()
        if (interrupted) break
      }
      if (interrupted) break
    }
    // Points read before Ctrl-C are still logged and sent (--sync: spooled at once when a server fails).
    await send()
  } catch (error) {
    await client.close().catch(() => undefined)
    throw error
  } finally {
    input.close()
  }
  await client.close()
  const servers: Record<string, ServerCounts> = {}
  for (const [name, s] of Object.entries(client.stats())) servers[name] = { delivered: s.delivered, spooled: s.spooled, rejected: s.rejected, dropped: s.dropped }
  return { points, servers, interrupted }
}
