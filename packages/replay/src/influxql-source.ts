import type { ServerConfig } from '@eht-influx-client/config'
import type { FieldType, FieldValue, InfluxRecord } from '@eht-influx-client/logfile'
import { throwIfAborted, untilAborted } from './abort.js'
import { ExportDataError, ExportQueryError, ReplayError } from './errors.js'
import { isNumberText, parseJsonExact } from './exact-json.js'
import type { ExportPlan, ExportSource, FieldTypeConflict } from './export-source.js'
import { fieldValue, numericType } from './field-value.js'
import { databaseOf, selectWindow, showFieldKeys } from './influxql.js'
import { unknownMeasurementWarning } from './measurement-names.js'
import { bodyFailure, bodyText, httpGet, responseLines, serverAgent, serverLabel, v1AuthHeaders } from './server-http.js'
import { scrubbedError, serverText } from './server-text.js'

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
        const { text, cut } = await bodyText(res).catch((error: unknown) => {
          throwIfAborted(signal, 'the export')
          throw new ExportQueryError(`${this.label} answered HTTP ${res.statusCode} to the query ${q}, then stopped part way: ${bodyFailure(error)}`, this.server.name, res.statusCode, { cause: error })
        })
        throw new ExportQueryError(`${this.label} answered HTTP ${res.statusCode} to the query ${q}: ${serverText(text, this.server, { cut })}`, this.server.name, res.statusCode)
      }
      try {
        for await (const line of untilAborted(responseLines(res), signal, 'the export')) {
          let chunk: Chunk
          try {
            chunk = parseJsonExact(line) as Chunk
          } catch {
            // No cause: JSON.parse's message quotes the text, unscrubbed (a proxy's page may echo the Authorization header).
            throw new ExportDataError(`${this.label} sent an answer to ${q} that is not JSON: ${serverText(line, this.server, { max: 200 })}`, this.server.name)
          }
          const error = chunk.error ?? chunk.results?.find((r) => r.error !== undefined)?.error
          if (error !== undefined) throw new ExportQueryError(`${this.label} could not run the query ${q}: ${serverText(error, this.server)}`, this.server.name, res.statusCode)
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

  /**
   * Every measurement of the bucket's retention policy: the series names of
   * SHOW FIELD KEYS (which names the policy). SHOW MEASUREMENTS would list the
   * whole database, so a measurement held only in another retention policy
   * would pass as known and export nothing, without a word.
   */
  async measurements(signal?: AbortSignal): Promise<string[]> {
    return [...(await this.types(signal)).keys()].sort()
  }

  /** Field types per measurement of the bucket's retention policy, from SHOW FIELD KEYS (a field may have several, one per shard). */
  private async types(signal?: AbortSignal): Promise<Map<string, Map<string, FieldType[]>>> {
    if (this.fieldTypes !== undefined) return this.fieldTypes
    const all = new Map<string, Map<string, FieldType[]>>()
    for await (const series of this.query(showFieldKeys(this.server.bucket), signal)) {
      const fields = all.get(series.name) ?? new Map<string, FieldType[]>()
      for (const [key, type] of series.values as [string, string][]) {
        if (!FIELD_TYPES.includes(type)) throw new ExportDataError(`${this.label}: ${serverText(`field "${key}" of measurement "${series.name}" has the unknown type ${JSON.stringify(type)}`, this.server, { max: 500 })}`, this.server.name)
        fields.set(key, [...(fields.get(key) ?? []), type as FieldType])
      }
      all.set(series.name, fields)
    }
    this.fieldTypes = all
    return all
  }

  /**
   * The measurements to read: those asked for (all by default) that the server
   * has, less those with a field of several types. SHOW FIELD KEYS lists a field
   * once per type when shards hold it with different types, and a query over
   * those shards answers only one of them (float, else integer, string, boolean)
   * and writes floats as whole numbers where they are (`3`): such a measurement
   * would lose points or change their type, so it is left out, with a warning,
   * rather than exported wrong. SHOW FIELD KEYS spans the whole retention policy
   * (InfluxDB 1.x takes no time range there), so a narrower range does not help.
   */
  async plan(measurements: readonly string[] | undefined, signal?: AbortSignal): Promise<ExportPlan> {
    const known = (this.names ??= await this.measurements(signal))
    const { bucket } = this.server
    const where = `${this.label} (${bucket.includes('/') ? `retention policy ${JSON.stringify(bucket)}` : `database ${JSON.stringify(bucket)}`})`
    const unknown = measurements === undefined ? [] : [...new Set(measurements.filter((m) => !known.includes(m)))]
    const warnings = unknown.map((m) => unknownMeasurementWarning(m, known, where))
    const types = await this.types(signal)
    const conflicts: FieldTypeConflict[] = []
    const chosen = measurements === undefined ? known : [...new Set(measurements.filter((m) => known.includes(m)))]
    const keep: string[] = []
    for (const measurement of chosen) {
      const mixed = [...(types.get(measurement) ?? new Map<string, FieldType[]>())].filter(([, t]) => t.length > 1)
      if (mixed.length === 0) {
        keep.push(measurement)
        continue
      }
      for (const [field, t] of mixed) conflicts.push({ measurement, field, types: [...t] })
      const fields = mixed.map(([field, t]) => `field ${JSON.stringify(field)} has the types ${t.join(', ')}`).join('; ')
      warnings.push(
        `measurement ${JSON.stringify(measurement)} was NOT exported: ${fields} in different shards of ${this.server.bucket} (${showFieldKeys(this.server.bucket)}), and InfluxQL answers only one type over several shards, so its points would be lost or changed. ` +
          `To get them, give the field one type: write its points again with one type (e.g. into a new field or measurement) and drop the shards holding the other type (SHOW SHARDS lists them, one per shard group: 7 days by default). ` +
          `DROP SHARD deletes every measurement of that shard's period, not only this one (export the others first); DELETE does not help: ` +
          `SHOW FIELD KEYS keeps listing the deleted type, so the measurement stays refused until the shard holding the other type is gone (dropped or expired). The other measurements were exported`,
      )
    }
    return { measurements: keep, unknown, conflicts, warnings }
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
      if (!isNumberText(time)) throw new ExportDataError(`${this.label}: ${serverText(`measurement "${series.name}" has a row without an integer time`, this.server, { max: 500 })}`, this.server.name)
      const fields: Record<string, FieldValue> = {}
      let any = false
      for (let c = 1; c < columns.length; c++) {
        const value = row[c]
        if (value === null || value === undefined) continue
        const key = columns[c]!
        try {
          // Several types: this field's measurement was left out by plan(); a type written during the export lands here.
          const declared = fieldTypes.get(key)
          if (declared !== undefined && declared.length > 1) throw new Error(`the field has several types now (${declared.join(', ')}, in different shards), written while the export ran; the export stops rather than give it one`)
          if (typeof value === 'boolean') fields[key] = { type: 'boolean', value }
          else if (typeof value === 'string') fields[key] = { type: 'string', value }
          else if (isNumberText(value)) fields[key] = fieldValue(numericType(declared, value.$n, showFieldKeys(this.server.bucket)), value.$n)
          else throw new Error(`unexpected value ${JSON.stringify(value)}`)
        } catch (error) {
          throw new ExportDataError(`${this.label}: ${serverText(`measurement "${series.name}", field "${key}" at ${time.$n}: ${(error as Error).message}`, this.server, { max: 500 })}`, this.server.name, {
            cause: scrubbedError(error, this.server),
          })
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
