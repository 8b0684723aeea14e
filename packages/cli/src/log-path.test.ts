import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { newestLogfile } from './log-path.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-cli-logpath-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('newestLogfile', () => {
  it('the most recently written file matching the strftime pattern; undefined when none', async () => {
    const pattern = path.join(dir, 'eht-%Y-%m-%d.jsonl')
    expect(await newestLogfile(pattern)).toBeUndefined()
    for (const [name, age] of [['eht-2025-04-05.jsonl', 20], ['eht-2025-04-06.jsonl', 0], ['eht-2025-04-04.jsonl', 10], ['other.jsonl', -5]] as const) {
      const file = path.join(dir, name)
      fs.writeFileSync(file, '{}\n')
      const when = new Date(Date.now() - age * 1000)
      fs.utimesSync(file, when, when)
    }
    expect(await newestLogfile(pattern)).toBe(path.join(dir, 'eht-2025-04-06.jsonl'))
  })
})
