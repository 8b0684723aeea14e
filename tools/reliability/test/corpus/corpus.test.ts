import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as cli from '@eht-influx-client/cli'
import * as config from '@eht-influx-client/config'
import * as logfile from '@eht-influx-client/logfile'
import * as writer from '@eht-influx-client/writer'
import { CORPUS_DIR, TARGET_DIRS, caseFiles, loadCase, measurementsOf, type CorpusCase, type ExpectedError, type Target } from '../../src/corpus-cases.js'
import { decodeTagged, TaggedValueError } from '../../src/corpus-encoding.js'
import { errorClasses } from '../../src/corpus-expect.js'

// The guard of the bad-input corpus: enough cases, every case file parses and
// follows corpus/README.md, names a known target and an error class that its
// package exports, every input file belongs to a case, and cases that deliver
// points use measurements of their own (so their read-back counts are exact).

const KNOWN: Readonly<Record<Target, ReadonlySet<string>>> = {
  write: new Set(errorClasses(writer).keys()),
  'cli-write': new Set([...errorClasses(cli).keys(), 'BadLine']),
  'logfile-reader': new Set([...errorClasses(logfile).keys(), 'BadLine']),
  config: new Set(errorClasses(config).keys()),
}
const targets = Object.keys(TARGET_DIRS) as Target[]
const all = targets.flatMap((target) => caseFiles(target).map((file) => ({ target, file })))

function expectedErrors(data: CorpusCase): ExpectedError[] {
  switch (data.target) {
    case 'write':
      return data.calls.flatMap((c) => [...(c.error === undefined ? [] : [c.error]), ...(c.skipped ?? [])])
    case 'cli-write':
      return [...(data.error === undefined ? [] : [data.error]), ...(data.badLines ?? [])]
    case 'logfile-reader':
      return data.badLines
    case 'config':
      return [data.error]
  }
}

describe('corpus guard', () => {
  it('holds at least 50 cases, at least 10 for each target', () => {
    expect(all.length).toBeGreaterThanOrEqual(50)
    for (const target of targets) expect(caseFiles(target).length, target).toBeGreaterThanOrEqual(10)
  })

  it('knows the classes it checks against (the packages export them)', () => {
    expect(KNOWN.write.has('InvalidInputError')).toBe(true)
    expect(KNOWN.config.has('UnknownKeyError')).toBe(true)
    expect(KNOWN['logfile-reader'].has('CsvError')).toBe(true)
    expect(KNOWN['cli-write'].has('CliConfigError')).toBe(true)
  })

  for (const { target, file } of all) {
    it(`${TARGET_DIRS[target]}/${path.basename(file, '.json')} parses, names ${target} and known classes`, () => {
      const { data } = loadCase(file)
      expect(data.target).toBe(target)
      const errors = expectedErrors(data)
      expect(errors.length).toBeGreaterThan(0)
      for (const e of errors) expect(KNOWN[target].has(e.class), `${e.class} is not a class of ${target}`).toBe(true)
      if (data.target === 'write') for (const [i, call] of data.calls.entries()) expect(() => decodeTagged(call.options, `calls[${i}].options`)).not.toThrow()
    })
  }

  it('rejects an unknown tag of the encoding, naming where it is', () => {
    expect(decodeTagged({ a: [{ $bigint: '-12' }, { $number: 'NaN' }] })).toEqual({ a: [-12n, Number.NaN] })
    expect(() => decodeTagged({ a: { $bignum: '1' } })).toThrow(TaggedValueError)
    expect(() => decodeTagged({ a: [{ $bigint: '1.5' }] })).toThrow(/\$\.a\[0\]: \$bigint takes a decimal string/)
  })

  it('every input file belongs to a case', () => {
    for (const target of targets) {
      const dir = path.join(CORPUS_DIR, TARGET_DIRS[target])
      const inputs = new Set(caseFiles(target).flatMap((f) => ('input' in loadCase(f).data ? [(loadCase(f).data as { input?: string }).input] : [])))
      for (const name of fs.readdirSync(dir).filter((n) => !n.endsWith('.json'))) expect(inputs.has(name), `${target}: ${name} is no case's input`).toBe(true)
    }
  })

  it('cases that deliver points use measurements no other case uses', () => {
    const owner = new Map<string, string>()
    for (const { file } of all) {
      const { id, data } = loadCase(file)
      const lines = data.target === 'logfile-reader' ? data.read : 'arrive' in data ? data.arrive : []
      for (const m of measurementsOf(lines)) {
        expect(owner.get(m) ?? id, `measurement ${m} is used by ${owner.get(m)} and ${id}`).toBe(id)
        owner.set(m, id)
      }
    }
    expect(owner.size).toBeGreaterThan(40)
  })
})
