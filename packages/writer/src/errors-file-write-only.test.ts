import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ErrorsFile, readErrorsFile } from './errors-file.js'
import { tempDir } from '../test/helpers.js'

const NOBODY = 65534
// Root may read any file: the test takes nobody's effective uid for the append (seteuid, given
// back after it; this test file runs in a process of its own). Not root: it cannot.
const isRoot = process.getuid?.() === 0 && typeof process.seteuid === 'function'

/** Runs `fn` with nobody's effective uid; root's is taken back even when `fn` fails. */
async function asNobody<T>(fn: () => Promise<T>): Promise<T> {
  process.seteuid!(NOBODY)
  try {
    return await fn()
  } finally {
    process.seteuid!(0)
  }
}

describe('ErrorsFile on a file its process may write but not read', () => {
  it.skipIf(!isRoot)('appends (write-only, as appendFile did) instead of failing with EACCES', async () => {
    const dir = tempDir()
    fs.chmodSync(dir, 0o755)
    const file = path.join(dir, 'errors.jsonl')
    fs.writeFileSync(file, '{"time":"2021-04-06T01:29:09.204Z","server":"local","status":400,"message":"m","line":"m v=0 0"}\n')
    fs.chownSync(file, NOBODY, NOBODY)
    fs.chmodSync(file, 0o200) // --w-------: the owner may append, not read
    const at = new Date('2021-04-06T01:29:10.000Z')
    const outcome = await asNobody(() =>
      new ErrorsFile(file).append([{ server: 'cloud', status: 400, message: 'HTTP 400: field type conflict', line: 'm v=1 1' }], at).then(
        () => 'appended',
        (e: Error) => e.message,
      ),
    )
    expect(outcome).toBe('appended')
    expect((await readErrorsFile(file)).map((e) => [e.server, e.line])).toEqual([
      ['local', 'm v=0 0'],
      ['cloud', 'm v=1 1'],
    ])
  })
})
