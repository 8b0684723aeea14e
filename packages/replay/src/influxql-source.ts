import type { ServerConfig } from '@eht-influx-client/config'
import type { FieldType, FieldValue, InfluxRecord } from '@eht-influx-client/logfile'
import { throwIfAborted, untilAborted } from './abort.js'
import { ExportDataError, ExportQueryError, ReplayError } from './errors.js'
import { isNumberText, parseJsonExact } from './exact-json.js'
import type { ExportSource } from './export-source.js'
import { fieldValue, numericType } from './field-value.js'
import { databaseOf, selectWindow, showFieldKeys } from './influxql.js'
import { bodyFailure, bodyText, httpGet, responseLines, scrubServerSecrets, serverAgent, serverLabel, v1AuthHeaders } from './server-http.js'

interface Series {
  name: string
  tags?: Record<string, string>
  columns: string[]
  values: unknown[][]
}
interface Chunk {
  results?: { series?: Series[]; error?: string }[]
  error?: string
}

const CHUNK_SIZE = 10_000
const FIELD_TYPES: readonly string[] = ['float', 'integer', 'unsigned', 'string', 'boolean']

/** Reads an InfluxDB 1.x server through InfluxQL `/query` with `chunked=true` and `epoch=ns`. */
export class InfluxQLSource implements ExportSource {
  queries = 0
  private readonly agent
  private readonly label: string
  private fieldTypes: Map<string, Map<string, FieldType[]>> | undefined
  private names: string[] | undefined

  constructor(private readonly server: ServerConfig) {
    this.agent = serverAgent(server)
    this.label = serverLabel(server)
  }

  /** Parsed answer chunks of one query, as they stream in; `stop()` ends the request early. */
  private async *query(q: string, signal?: AbortSignal): AsyncGenerator<Series> {
    throwIfAborted(signal, 'the export')
    this.queries++
    const url = new URL('query', this.server.url.endsWith('/') ? this.server.url : `${this.server.url}/`)
    url.search = new URLSearchParams({ db: databaseOf(this.server.bucket), q, epoch: 'ns', chunked: 'true', chunk_size: String(CHUNK_SIZE) }).toString()
    let res
    try {
      res = await httpGet(url, v1AuthHeaders(this.server), this.agent, this.server.timeoutMs, signal)
    } catch (error) {
      throwIfAborted(signal, 'the export')
      throw new ExportQueryError(`${this.label} did not answer the query ${q}: ${(error as Error).message}`, this.server.name, undefined, { cause: error })
    }
    res.setEncoding('utf8')
    try {
      if (res.statusCode !== 200) {
        const text = await bodyText(res).catch((error: unknown) => {
          throwIfAborted(signal, 'the export')
          throw new ExportQueryError(`${this.label} answered HTTP ${res.statusCode} to the query ${q}, then stopped part way: ${bodyFailure(error)}`, this.server.name, res.statusCode, { cause: error })
        })
        throw new ExportQueryError(`${this.label} answered HTTP ${res.statusCode} to the query ${q}: ${scrubServerSecrets(text.trim(), this.server)}`, this.server.name, res.statusCode)
      }
      try {
        for await (const line of untilAborted(responseLines(res), signal, 'the export')) {
          let chunk: Chunk
          try {
            chunk = parseJsonExact(line) as Chunk
          } catch (error) {
            throw new ExportDataError(`${this.label} sent an answer to ${q} that is not JSON: ${line.slice(0, 200)}`, this.server.name, { cause: error })
          }
          const error = chunk.error ?? chunk.results?.find((r) => r.error !== undefined)?.error
          if (error !== undefined) throw new ExportQueryError(`${this.label} could not run the query ${q}: ${scrubServerSecrets(error, this.server)}`, this.server.name, res.statusCode)
          for (const result of chunk.results ?? []) yield* result.series ?? []
        }
      } catch (error) {
        // Errors of our own pass; any other comes from the body stream: the connection closed or stalled mid-answer.
        if (ReplayError.isInstance(error)) throw error
        throwIfAborted(signal, 'the export')
        throw new ExportQueryError(`${this.label} stopped answering the query ${q} part way: ${bodyFailure(error)}`, this.server.name, res.statusCode, { cause: error })
      }
    } finally {
      res.destroy()
    }
  }

  /** Every measurement of the database. */
  async measurements(signal?: AbortSignal): Promise<string[]> {
    const names: string[] = []
    for await (const series of this.query('SHOW MEASUREMENTS', signal)) for (const row of series.values) names.push(String(row[0]))
    return names.sort()
  }

  /** Field types per measurement of the bucket's retention policy, from SHOW FIELD KEYS (a field may have several, one per shard). */
  private async types(signal?: AbortSignal): Promise<Map<string, Map<string, FieldType[]>>> {
    if (this.fieldTypes !== undefined) return this.fieldTypes
    const all = new Map<string, Map<string, FieldType[]>>()
    for await (const series of this.query(showFieldKeys(this.server.bucket), signal)) {
      const fields = all.get(series.name) ?? new Map<string, FieldType[]>()
      for (const [key, type] of series.values as [string, string][]) {
        if (!FIELD_TYPES.includes(type)) throw new ExportDataError(`${this.label}: field "${key}" of measurement "${series.name}" has the unknown type ${JSON.stringify(type)}`, this.server.name)
        fields.set(key, [...(fields.get(key) ?? []), type as FieldType])
      }
      all.set(series.name, fields)
    }
    this.fieldTypes = all
    return all
  }

  async read(measurements: readonly string[] | undefined, from: bigint, to: bigint, cap: number, signal?: AbortSignal): Promise<InfluxRecord[] | undefined> {
    const names = measurements ?? (this.names ??= await this.measurements(signal))
    let types = await this.types(signal)
    let reread = false
    const records: InfluxRecord[] = []
    for (const measurement of names) {
      let fieldTypes = types.get(measurement) ?? new Map<string, FieldType[]>()
      for await (const series of this.query(selectWindow(this.server.bucket, measurement, from, to), signal)) {
        if (!reread && series.columns.some((key, c) => c > 0 && !fieldTypes.has(key))) {
          // A field written after the types were read (the database is live): read them again, at most once a window.
          reread = true
          this.fieldTypes = undefined
          types = await this.types(signal)
          fieldTypes = types.get(measurement) ?? new Map<string, FieldType[]>()
        }
        this.addSeries(series, fieldTypes, records)
        if (records.length > cap) return undefined
      }
    }
    return records
  }

  private addSeries(series: Series, fieldTypes: Map<string, FieldType[]>, out: InfluxRecord[]): void {
    const tags: Record<string, string> = {}
    // GROUP BY * lists every tag key of the measurement; a point without one has it empty.
    for (const [key, value] of Object.entries(series.tags ?? {})) if (value !== '') tags[key] = value
    const { columns } = series
    for (const row of series.values) {
      const time = row[0]
      if (!isNumberText(time)) throw new ExportDataError(`${this.label}: measurement "${series.name}" has a row without an integer time`, this.server.name)
      const fields: Record<string, FieldValue> = {}
      let any = false
      for (let c = 1; c < columns.length; c++) {
        const value = row[c]
        if (value === null || value === undefined) continue
        const key = columns[c]!
        try {
          if (typeof value === 'boolean') fields[key] = { type: 'boolean', value }
          else if (typeof value === 'string') fields[key] = { type: 'string', value }
          else if (isNumberText(value)) fields[key] = fieldValue(numericType(fieldTypes.get(key), value.$n, showFieldKeys(this.server.bucket)), value.$n)
          else throw new Error(`unexpected value ${JSON.stringify(value)}`)
        } catch (error) {
          throw new ExportDataError(`${this.label}: measurement "${series.name}", field "${key}" at ${time.$n}: ${(error as Error).message}`, this.server.name, { cause: error })
        }
        any = true
      }
      if (any) out.push({ measurement: series.name, tags: { ...tags }, fields, timestamp: BigInt(time.$n) })
    }
  }

  close(): void {
    this.agent.destroy()
  }
}
