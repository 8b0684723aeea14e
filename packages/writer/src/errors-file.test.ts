import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ErrorsFile, readErrorsFile } from './errors-file.js'
import { tempDir } from '../test/helpers.js'

describe('ErrorsFile', () => {
  it('appends one JSON object per rejected point, creating the folder, in call order', async () => {
    const file = path.join(tempDir(), 'sub', 'errors.jsonl')
    const errors = new ErrorsFile(file)
    const at = new Date('2021-04-06T01:29:09.204Z')
    await Promise.all([
      errors.append([{ server: 'local', status: 400, message: 'HTTP 400: field type conflict', line: 'm v=1 1' }], at),
      errors.append([{ server: 'cloud', status: 422, message: 'HTTP 422: beyond retention', line: 'm,t=a\\ b v="x" 2' }], at),
    ])
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('{"time":"2021-04-06T01:29:09.204Z","server":"local","status":400,"message":"HTTP 400: field type conflict","line":"m v=1 1"}')
    expect((await readErrorsFile(file)).map((e) => [e.server, e.line])).toEqual([
      ['local', 'm v=1 1'],
      ['cloud', 'm,t=a\\ b v="x" 2'],
    ])
  })

  it('reads a missing errors file as empty', async () => {
    expect(await readErrorsFile(path.join(tempDir(), 'none.jsonl'))).toEqual([])
  })
})
