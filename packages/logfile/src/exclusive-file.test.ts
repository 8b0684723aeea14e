import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createFileExclusively } from './exclusive-file.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-exclusive-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('createFileExclusively', () => {
  it('makes the file with its whole text once, refuses a taken name without touching it, and leaves no temp', async () => {
    const lock = path.join(dir, 'a.lock')
    expect(await createFileExclusively(lock, 'first\n', `${lock}.1.tmp`)).toBe(true)
    expect(await createFileExclusively(lock, 'second\n', `${lock}.2.tmp`)).toBe(false)
    expect(fs.readFileSync(lock, 'utf8')).toBe('first\n')
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('a.lock'))).toEqual(['a.lock'])
  })

  it('of many racing calls for one name, exactly one makes it', async () => {
    const lock = path.join(dir, 'race.lock')
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => createFileExclusively(lock, `${i}\n`, `${lock}.${i}.tmp`)))
    expect(made.filter(Boolean)).toHaveLength(1)
    expect(fs.readFileSync(lock, 'utf8')).toBe(`${made.indexOf(true)}\n`)
  })

  it('where the file system has no hard links, creates it exclusively instead', async () => {
    const lock = path.join(dir, 'nolink.lock')
    const link = vi.spyOn(fs.promises, 'link').mockRejectedValue(Object.assign(new Error('operation not permitted'), { code: 'EPERM' }))
    try {
      expect(await createFileExclusively(lock, 'x\n', `${lock}.tmp`)).toBe(true)
      expect(await createFileExclusively(lock, 'y\n', `${lock}.tmp`)).toBe(false)
    } finally {
      link.mockRestore()
    }
    expect(fs.readFileSync(lock, 'utf8')).toBe('x\n')
    expect(fs.existsSync(`${lock}.tmp`)).toBe(false)
  })

  it('removes its temp when the write fails, and says why', async () => {
    const missing = path.join(dir, 'no-such-dir', 'b.lock')
    await expect(createFileExclusively(missing, 'x\n', `${missing}.tmp`)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
