// The comment lines of an InfluxDB 1.x export (`influx_inspect export`, or a file
// made for `influx -import`) that say something about the lines after them:
//
//   # INFLUXDB EXPORT: 1677-09-21T00:12:43Z - 2262-04-11T23:47:16Z
//   # DDL
//   CREATE DATABASE eht WITH NAME autogen
//   # DML
//   # CONTEXT-DATABASE:eht
//   # CONTEXT-RETENTION-POLICY:autogen
//   # writing tsm data
//   pps_offset,station=Kp offset_ns=-3i 1617672549204824064
//
// (influxdb cmd/influx_inspect/export; `influx -import` reads the value after the
// colon with spaces trimmed.) The statements of the DDL section are InfluxQL,
// not points. The context names the database and retention policy of the points
// after it; a reader does not write them there (its target is its own), so a
// file whose context changes would put the points of two databases into one.
import { ReadingStopped } from './reading-stopped.js'

/** The first word of an InfluxQL statement that a DDL section may hold (influx_inspect writes CREATE DATABASE ... WITH NAME ...). */
const STATEMENT = /^(?:CREATE|ALTER|DROP|GRANT|REVOKE)\s/i

const CONTEXTS = [
  { prefix: '# CONTEXT-DATABASE:', what: 'database' },
  { prefix: '# CONTEXT-RETENTION-POLICY:', what: 'retention policy' },
] as const

/** The export sections of one line-protocol file, read in order (every line, also those skipped by a start offset). */
export class ExportSections {
  /** The line of the `# DDL` comment while its section lasts (until `# DML`), else 0. */
  private ddlLine = 0
  private readonly contexts: ({ value: string; line: number } | undefined)[] = [undefined, undefined]

  /**
   * Takes a comment line (`text` starts with `#`, leading spaces removed).
   * Throws `ReadingStopped` when it changes the database or retention policy
   * an earlier `# CONTEXT-` line of the file named.
   */
  comment(text: string, line: number): void {
    if (text.startsWith('# DDL')) this.ddlLine = line
    else if (text.startsWith('# DML')) this.ddlLine = 0
    else if (text.startsWith('# CONTEXT-')) {
      for (let i = 0; i < CONTEXTS.length; i++) {
        const { prefix, what } = CONTEXTS[i]!
        if (!text.startsWith(prefix)) continue
        const value = text.slice(prefix.length).trim()
        const first = this.contexts[i]
        if (first === undefined) this.contexts[i] = { value, line }
        else if (first.value !== value) {
          throw new ReadingStopped(
            `${prefix.slice(0, -1)} at line ${line} changes the ${what} of this export from ${JSON.stringify(first.value)} (line ${first.line}) to ${JSON.stringify(value)}; ` +
              `the points of both would be read as one (the context does not choose where they are written), so the rest of the file is not read: ` +
              `split the file at line ${line}, one file per database and retention policy`,
            line,
          )
        }
      }
    }
  }

  /**
   * True for a line of a `# DDL` section that starts like an InfluxQL statement. It is
   * one only when it is not line protocol (the caller decides): `drop count=1i 1700000000000000000`
   * is a point of measurement `drop`, `CREATE DATABASE eht WITH NAME autogen` is no point.
   */
  mayBeStatement(text: string): boolean {
    return this.ddlLine > 0 && STATEMENT.test(text)
  }
}
