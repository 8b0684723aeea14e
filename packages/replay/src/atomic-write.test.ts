import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir } from '../test/support.js'
import { writeFileAtomic } from './atomic-write.js'

afterEach(removeTempDirs)

describe('writeFileAtomic', () => {
  it('creates missing directories and replaces the content without leaving temporary files', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'a', 'b', 'state.json')
    await writeFileAtomic(file, 'first')
    await writeFileAtomic(file, 'second, longer')
    expect(fs.readFileSync(file, 'utf8')).toBe('second, longer')
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json'])
  })

  it('keeps the old content and removes its temporary file when the rename fails', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'state.json')
    fs.mkdirSync(file) // a directory in the way: rename over it fails
    await expect(writeFileAtomic(file, 'x')).rejects.toThrow()
    expect(fs.readdirSync(dir)).toEqual(['state.json'])
  })

  it('lets concurrent writers each leave a whole file, never a mix', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'state.json')
    const texts = Array.from({ length: 20 }, (_, i) => String(i).repeat(5000 + i))
    await Promise.all(texts.map((t) => writeFileAtomic(file, t)))
    expect(texts).toContain(fs.readFileSync(file, 'utf8'))
  })
})
