import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as logfile from '@eht-influx-client/logfile'
import { CsvDecoder, decodeJsonl, decodeLineProtocol, encodeLineProtocol, formatFromPath, readLogFile, readLogs, type BadLine } from '@eht-influx-client/logfile'
import { loadCases } from '../../src/corpus-cases.js'
import { errorClasses, expectClass, expectWords } from '../../src/corpus-expect.js'

// The logfile-reader part of the bad-input corpus: each case's input is a
// logfile (corpus/logfile/*.jsonl|.csv|.lp[.gz]). readLogFile must read every
// good line (exact records, in order) and report exactly the bad ones with
// file, line (and column where the format has one) and a reason holding the
// expected words. The class a bad line stands for is checked by decoding that
// line with the package's public decoder; `BadLine` marks problems of the line
// itself (torn, unfinished, unreadable gzip) that no decoder sees.

const cases = loadCases('logfile-reader')
const classes = errorClasses(logfile)
const known = new Set([...classes.keys(), 'BadLine'])

/** The error the public decoder of the format throws for line `line` of the file (CSV: after feeding the lines before it). */
function decoderError(file: string, line: number): unknown {
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  const text = lines[line - 1]!
  try {
    switch (formatFromPath(file)) {
      case 'jsonl':
        decodeJsonl(text)
        break
      case 'lp':
        decodeLineProtocol(text)
        break
      case 'csv': {
        const csv = new CsvDecoder()
        for (let i = 1; i < line; i++) {
          try {
            csv.decodeLine(lines[i - 1]!, i)
          } catch {
            // an earlier bad line: the reader skips it too
          }
        }
        csv.decodeLine(text, line)
        break
      }
      default:
        return undefined
    }
  } catch (error) {
    return error
  }
  return undefined
}

describe('corpus: logfile readers', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(12))

  for (const { id, data, inputFile } of cases) {
    it(id, async () => {
      const file = inputFile!
      const bad: BadLine[] = []
      const reader = readLogFile(file, { onBadLine: (b) => bad.push(b) })
      const read: string[] = []
      for await (const item of reader) {
        expect(item.file).toBe(file)
        read.push(encodeLineProtocol(item.record))
      }
      expect(read, `${id}: the good lines, in order`).toEqual(data.read)
      expect(
        bad.map((b) => ({ file: b.file, line: b.line, column: b.column })),
        `${id}: exactly the bad lines (${bad.map((b) => `${b.line}: ${b.reason}`).join('; ')})`,
      ).toEqual(data.badLines.map((b) => ({ file, line: b.line, column: b.column })))
      expect(reader.stats).toMatchObject({ files: 1, records: data.read.length, badLines: data.badLines.length })
      data.badLines.forEach((expected, j) => {
        const label = `${id} bad line ${expected.line}`
        expect(known.has(expected.class), `${label}: ${expected.class} is a class of the logfile package (or BadLine)`).toBe(true)
        expectWords(bad[j]!.reason, expected, label)
        if (expected.class === 'BadLine') return
        const error = decoderError(file, expected.line!)
        expectClass(error, expected.class, classes, label)
        expect(bad[j]!.reason, `${label}: the reader reports the decoder's message`).toBe((error as Error).message)
      })
      // readLogs (directories, globs, merging) reports the same lines.
      const merged: BadLine[] = []
      let records = 0
      for await (const _ of readLogs([file], { onBadLine: (b) => merged.push(b) })) records++
      expect(records).toBe(data.read.length)
      expect(merged.map((b) => b.line)).toEqual(data.badLines.map((b) => b.line))
    })
  }
})
