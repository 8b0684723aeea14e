import { describe, expect, it } from 'vitest'
import { InvalidValueError } from './errors.js'
import { logfilePathProblem } from './logfile-path.js'
import { parseConfig } from './parse-config.js'

const file = '/etc/eht-influx-client/config.ini'
const failure = (text: string, env: NodeJS.ProcessEnv = {}) => {
  try {
    parseConfig(text, file, { env })
  } catch (error) {
    return error as InvalidValueError
  }
  throw new Error('parseConfig accepted the file')
}

describe('logfilePathProblem: what the logfile writer would refuse at its first write', () => {
  it('accepts the default and paths that fit their rotation and format', () => {
    expect(logfilePathProblem('/x/eht-%Y-%m-%d.jsonl', 'jsonl', { kind: 'daily' })).toBeUndefined()
    expect(logfilePathProblem('/x/eht-%Y%m%d-%H.lp', 'lp', { kind: 'hourly' })).toBeUndefined()
    expect(logfilePathProblem('/x/station.csv', 'csv', { kind: 'none' })).toBeUndefined()
    expect(logfilePathProblem('/x/station.log', 'jsonl', { kind: 'size', maxBytes: 10 })).toBeUndefined()
  })

  it('names the missing date fields, the extension that contradicts the format, and a .gz name', () => {
    expect(logfilePathProblem('/x/station.jsonl', 'jsonl', { kind: 'daily' })?.expected).toMatch(/^a path with %Y, %m, %d for rotate = daily/)
    expect(logfilePathProblem('/x/eht-%Y-%m-%d.jsonl', 'jsonl', { kind: 'hourly' })?.expected).toMatch(/^a path with %H for rotate = hourly/)
    expect(logfilePathProblem('/x/eht-%Y-%m-%d.lp', 'jsonl', { kind: 'daily' })).toMatchObject({ key: 'format', expected: expect.stringMatching(/^lp, as the extension/) })
    expect(logfilePathProblem('/x/eht-%Y-%m-%d.jsonl.gz', 'jsonl', { kind: 'daily' })?.key).toBe('path')
  })
})

describe('parseConfig: a logfile path the writer could not use is a configuration error', () => {
  it('names the file, line, section and key (it failed at the first write, as an unexpected error)', () => {
    const error = failure('[client]\nbucket = eht_test\n[logfile]\npath = /data/station.jsonl\n')
    expect(InvalidValueError.isInstance(error)).toBe(true)
    expect(error.message).toBe(
      `${file}:4:1: [logfile] path: "/data/station.jsonl" is not valid; expected a path with %Y, %m, %d for rotate = daily, or the file name would never change (such as ./eht-influx-log/eht-%Y-%m-%d.jsonl); or set rotate = none`,
    )
    expect(parseConfig('[client]\nbucket = eht_test\n[logfile]\npath = /data/station.jsonl\nrotate = none\n', file).logfile.path).toBe('/data/station.jsonl')
  })

  it('names the environment variable the path came from', () => {
    const error = failure('[client]\nbucket = eht_test\n', { EHT_INFLUX_LOGFILE_PATH: '/data/station.jsonl' })
    expect(error.message).toMatch(/environment variable EHT_INFLUX_LOGFILE_PATH: \[logfile\] path: .*for rotate = daily/)
  })

  it('names format when the extension says another format', () => {
    const error = failure('[client]\nbucket = eht_test\n[logfile]\npath = /data/eht-%Y-%m-%d.lp\n')
    expect(error).toMatchObject({ section: 'logfile', key: 'format' })
    expect(error.message).toContain('[logfile] format: "jsonl" is not valid; expected lp, as the extension of [logfile] path says')
  })
})
