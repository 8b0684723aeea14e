import { InfluxDB, type FluxTableMetaData, type QueryApi } from '@influxdata/influxdb-client'
import type { ServerConfig } from '@eht-influx-client/config'
import { parseRfc3339, type FieldType, type InfluxRecord } from '@eht-influx-client/logfile'
import { throwIfAborted, untilAborted } from './abort.js'
import { ExportDataError, ExportQueryError, ReplayAbortError } from './errors.js'
import { untilIdle } from './export-idle-timeout.js'
import type { ExportSource } from './export-source.js'
import { fieldValue } from './field-value.js'
import { fluxWindowQuery } from './flux.js'
import { bodyFailure, noAnswerError, serverAgent, serverLabel } from './server-http.js'
import { scrubbedError, serverText } from './server-text.js'

/** Annotated-CSV data types of `_value` and the field types they hold. */
const VALUE_TYPES: Readonly<Record<string, FieldType>> = { double: 'float', long: 'integer', unsignedLong: 'unsigned', string: 'string', boolean: 'boolean' }
/** Columns that are not tags. */
const NOT_TAGS = new Set(['result', 'table', '_start', '_stop', '_time', '_value', '_field', '_measurement'])

interface Layout {
  time: number
  measurement: number
  field: number
  value: number
  type: FieldType
  tags: { name: string; index: number; fallback: string }[]
  defaults: string[]
}

/**
 * Reads a v2 server (InfluxDB 2.x, 3.x, Cloud, 1.8+) with Flux through the
 * official client's QueryApi. Rows come one field value each; field types
 * come from the annotated CSV (`#datatype` of `_value`), values are read from
 * their text, so integers and ns times stay exact.
 */
export class FluxSource implements ExportSource {
  queries = 0
  private readonly api: QueryApi
  private readonly agent
  private readonly label: string
  private readonly layouts = new WeakMap<FluxTableMetaData, Layout>()

  constructor(private readonly server: ServerConfig) {
    this.agent = serverAgent(server)
    this.label = serverLabel(server)
    const influx = new InfluxDB({ url: server.url, ...(server.token === undefined ? {} : { token: server.token.reveal() }), timeout: server.timeoutMs, transportOptions: { agent: this.agent } })
    this.api = influx.getQueryApi({ org: server.org, gzip: server.gzip })
  }

  private layout(meta: FluxTableMetaData): Layout {
    let layout = this.layouts.get(meta)
    if (layout !== undefined) return layout
    const index = (label: string) => {
      const column = meta.columns.find((c) => c.label === label)
      if (column === undefined) throw new ExportDataError(`${this.label}: the Flux answer has no ${label} column (columns: ${this.text(meta.columns.map((c) => c.label).join(', '), 500)})`, this.server.name)
      return column.index
    }
    const value = meta.columns[index('_value')]!
    const type = VALUE_TYPES[value.dataType]
    if (type === undefined) throw new ExportDataError(`${this.label}: a Flux table has _value of the unsupported type ${this.text(JSON.stringify(value.dataType))}`, this.server.name)
    const tags = meta.columns.filter((c) => !NOT_TAGS.has(c.label)).map((c) => ({ name: c.label, index: c.index, fallback: c.defaultValue }))
    layout = { time: index('_time'), measurement: index('_measurement'), field: index('_field'), value: value.index, type, tags, defaults: meta.columns.map((c) => c.defaultValue) }
    this.layouts.set(meta, layout)
    return layout
  }

  async read(measurements: readonly string[] | undefined, from: bigint, to: bigint, cap: number, signal?: AbortSignal): Promise<InfluxRecord[] | undefined> {
    throwIfAborted(signal, 'the export')
    this.queries++
    const query = fluxWindowQuery(this.server.bucket, measurements, from, to)
    const points = new Map<string, InfluxRecord>()
    const timeoutMs = this.server.timeoutMs
    let rows = 0
    try {
      const answer = untilIdle(this.api.iterateRows(query), timeoutMs, () => noAnswerError(timeoutMs))
      for await (const { values, tableMeta } of untilAborted(answer, signal, 'the export')) {
        const l = this.layout(tableMeta)
        const cell = (i: number) => (values[i] === '' ? (l.defaults[i] ?? '') : values[i]!)
        rows++
        const raw = cell(l.value)
        // An empty cell is null (no value) for the other types; a raw from() row exists only for a stored
        // value, and annotated CSV cannot tell "" from null in a string column (influxdata/flux#634): "".
        if (raw === '' && l.type !== 'string') continue
        const measurement = cell(l.measurement)
        const field = cell(l.field)
        const tags: Record<string, string> = {}
        for (const tag of l.tags) {
          const v = values[tag.index] === '' ? tag.fallback : values[tag.index]!
          if (v !== '') tags[tag.name] = v
        }
        const time = cell(l.time)
        const key = `${measurement}\u0000${JSON.stringify(tags)}\u0000${time}`
        let record = points.get(key)
        if (record === undefined) {
          record = { measurement, tags, fields: {}, timestamp: this.time(time) }
          points.set(key, record)
          if (points.size > cap) return undefined
        }
        try {
          record.fields[field] = fieldValue(l.type, raw)
        } catch (error) {
          // fieldValue's message quotes the raw value: the message is scrubbed, and the cause goes along only as a scrubbed copy.
          throw new ExportDataError(`${this.label}: ${this.text(`measurement "${measurement}", field "${field}" at ${time}: ${(error as Error).message}`, 500)}`, this.server.name, { cause: scrubbedError(error, this.server) })
        }
      }
    } catch (error) {
      if (ExportDataError.isInstance(error) || ReplayAbortError.isInstance(error)) throw error
      const status = (error as { statusCode?: unknown }).statusCode
      const body = (error as { body?: unknown }).body
      const detail = typeof body === 'string' && body !== '' ? body : bodyFailure(error)
      const failed = rows > 0 ? 'stopped answering the Flux query part way' : 'could not run the Flux query'
      const message = `${this.label} ${failed} (${query.replace(/\n\s*/g, ' ')}): ${serverText(detail, this.server)}`
      // The client's HttpError holds the server's answer unscrubbed (message, body): only a scrubbed copy goes along.
      throw new ExportQueryError(message, this.server.name, typeof status === 'number' ? status : undefined, { cause: scrubbedError(error, this.server) })
    }
    return [...points.values()]
  }

  private time(text: string): bigint {
    try {
      return parseRfc3339(text)
    } catch (error) {
      // The parser's message quotes the text: the cause goes along only as a scrubbed copy.
      throw new ExportDataError(`${this.label}: _time ${this.text(JSON.stringify(text))} is not an RFC 3339 time`, this.server.name, { cause: scrubbedError(error, this.server) })
    }
  }

  /**
   * Server text (column labels, types, cells) for an ExportDataError message:
   * scrubbed and cut (serverText). These errors are thrown as they are past the
   * catch below, so they must be safe where they are made: a proxy answering
   * 200 with a page that echoes the Authorization header is parsed as a table
   * whose labels or cells hold the token.
   */
  private text(text: string, max = 200): string {
    return serverText(text, this.server, { max })
  }

  close(): void {
    this.agent.destroy()
  }
}
