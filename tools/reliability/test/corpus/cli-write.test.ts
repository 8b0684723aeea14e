import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as cli from '@eht-influx-client/cli'
import { startInfluxDB1, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { loadCases, measurementsOf, type CliCase } from '../../src/corpus-cases.js'
import { runCli } from '../../src/corpus-cli.js'
import { corpusConfigText, corpusTempDir } from '../../src/corpus-env.js'
import { errorClasses, expectWords } from '../../src/corpus-expect.js'
import { expectedServerPoints, loggedLines, serverPoints } from '../../src/corpus-readback.js'

// The CLI part of the bad-input corpus (corpus/cli/*.json and their inputs):
// `eht-influx-client write --json` in a child process, on the input file or on
// stdin, writing to a real InfluxDB 1.x. Bad lines are reported as
// <input>:<line>[:<column>] and skipped, and every good point arrives in the
// logfile and on the server; a command-level error has its class, exit code
// and words; no secret of the configuration is ever printed.

const cases = loadCases('cli-write')
/** A skipped line is reported, not thrown: its class in the corpus is `BadLine` (see corpus/README.md). */
const known = new Set([...errorClasses(cli).keys(), 'BadLine'])
let influx: InfluxDB1Server
let root: string

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'eht_test' })
  root = corpusTempDir('cli')
})
afterAll(async () => {
  await influx?.stop()
  if (root !== undefined) fs.rmSync(root, { recursive: true, force: true })
})

/** The server's points of each measurement. */
async function snapshot(measurements: readonly string[]): Promise<Map<string, string[]>> {
  return new Map(await Promise.all(measurements.map(async (m) => [m, await serverPoints(influx, m)] as const)))
}

/** Measurements the case may touch: its arrive lines' and every name on the server that its input mentions. */
async function measurementsOfCase(data: CliCase, inputText: string): Promise<string[]> {
  const body = JSON.parse(await influx.queryText('SHOW MEASUREMENTS', { db: influx.database })) as { results: { series?: { values: string[][] }[] }[] }
  const onServer = (body.results[0]?.series?.[0]?.values ?? []).map((v) => v[0]!)
  return [...new Set([...measurementsOf(data.arrive), ...onServer.filter((m) => inputText.includes(m))])]
}

function without(after: readonly string[], before: readonly string[]): string[] {
  const left = [...before]
  return after.filter((p) => {
    const i = left.indexOf(p)
    if (i < 0) return true
    left.splice(i, 1)
    return false
  })
}

describe('corpus: eht-influx-client write', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(10))

  for (const { id, data, inputFile } of cases) {
    it(id, async () => {
      const dir = fs.mkdtempSync(path.join(root, 'case-'))
      const extra = data.configExtra ?? []
      const baseLines = corpusConfigText(dir, influx.url, influx.database).split('\n').length - 1
      const configFile = path.join(dir, 'influx_config.ini')
      fs.writeFileSync(configFile, corpusConfigText(dir, influx.url, influx.database, extra), { mode: 0o600 })
      const fill = (word: string) => word.replace(/\{extra:(\d+)\}/g, (_, n: string) => String(baseLines + Number(n)))
      const inputText = inputFile === undefined ? '' : fs.readFileSync(inputFile, 'utf8')
      const measurements = await measurementsOfCase(data, inputText)
      const before = await snapshot(measurements)

      const args = ['write', '--config', configFile, '--json', ...(data.via === 'file' && inputFile !== undefined ? ['--file', inputFile] : []), ...(data.args ?? [])]
      const run = await runCli(args, { cwd: dir, env: data.env, stdin: data.via === 'stdin' && inputFile !== undefined ? fs.readFileSync(inputFile) : undefined })
      const output = `${id}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`
      expect(run.code, `exit code; ${output}`).toBe(data.exitCode)
      const json = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
        exitCode: number
        error?: { name: string; message: string }
        points?: number
        badLines?: number
        badLineSamples?: { file: string; line: number; column?: number; reason: string }[]
        servers?: Record<string, { delivered: number; spooled: number }>
      }
      expect(json.exitCode).toBe(data.exitCode)

      if (data.error !== undefined) {
        expect(known.has(data.error.class), `${id}: ${data.error.class} is a class of the cli`).toBe(true)
        expect(json.error?.name, output).toBe(data.error.class)
        const words = { ...data.error, contains: data.error.contains.map(fill) }
        expectWords(json.error!.message, words, `${id} (--json error)`)
        expectWords(run.stderr, words, `${id} (stderr)`)
      } else {
        expect(json.error, output).toBeUndefined()
      }

      const bad = data.badLines ?? []
      if (data.error === undefined) {
        expect(json.badLines, output).toBe(bad.length)
        expect(json.points, output).toBe(data.arrive.length)
        expect(json.servers?.local, output).toMatchObject({ delivered: data.arrive.length, spooled: 0 })
      }
      const inputName = data.via === 'file' ? inputFile! : 'stdin'
      const warnings = run.stderr.split('\n').filter((l) => l.includes(': bad line skipped: '))
      expect(warnings, output).toHaveLength(bad.length)
      bad.forEach((expected, j) => {
        expect(known.has(expected.class)).toBe(true)
        const sample = json.badLineSamples![j]!
        expect({ line: sample.line, column: sample.column }, output).toEqual({ line: expected.line, column: expected.column })
        const where = `${inputName}:${expected.line}${expected.column === undefined ? '' : `:${expected.column}`}: bad line skipped: `
        expect(warnings[j], output).toContain(where)
        expectWords(warnings[j]!, expected, `${id} bad line ${j}`)
      })

      for (const secret of data.secrets ?? []) {
        expect(run.stdout, `${id}: stdout holds a secret`).not.toContain(secret)
        expect(run.stderr, `${id}: stderr holds a secret`).not.toContain(secret)
      }

      // Every good point, and nothing else, in the logfile and (new) on the server.
      expect((await loggedLines(path.join(dir, 'log'), measurementsOf(data.arrive).length > 0 ? measurementsOf(data.arrive) : measurements)).sort(), `${id}: logfile`).toEqual([...data.arrive].sort())
      const wanted = expectedServerPoints(data.arrive)
      const after = await snapshot(measurements)
      for (const m of measurements) expect(without(after.get(m)!, before.get(m)!).sort(), `${id}: server, measurement ${m}`).toEqual(wanted.get(m) ?? [])
    })
  }
})
