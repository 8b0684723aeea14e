import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { endsTorn } from './torn-line.js'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-torn-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

async function check(content: string, whileChecking?: (file: string) => void): Promise<boolean> {
  const file = path.join(dir, 'f.jsonl')
  fs.writeFileSync(file, content)
  const handle = await fs.promises.open(file, 'a+')
  try {
    const size = (await handle.stat()).size
    whileChecking?.(file)
    return await endsTorn(handle, size)
  } finally {
    await handle.close()
  }
}

describe('endsTorn', () => {
  it('is false for an empty file or one that ends with a newline, true for a torn end that stays', async () => {
    expect(await check('')).toBe(false)
    expect(await check('{"a":1}\n')).toBe(false)
    expect(await check('{"a":1}\n{"a"')).toBe(true)
  })

  it('is false when the end seen was another process in the middle of an append that then completes', async () => {
    // The size it was given ends mid-line; by the time it looks again the line is whole.
    expect(await check('{"a":1}\n{"a"', (file) => setTimeout(() => fs.appendFileSync(file, ':2}\n'), 5))).toBe(false)
  })
})
