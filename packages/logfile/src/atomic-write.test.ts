import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import os from 'node:os'
import { writeFileAtomic } from './atomic-write.js'

const dirs: string[] = []
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-atomic-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

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

  it.each(['writeFile', 'sync'] as const)('keeps the old content and removes its temporary file when the %s fails (a full disk)', async (step) => {
    const dir = tempDir()
    const file = path.join(dir, 'state.json')
    await writeFileAtomic(file, 'old')
    const probe = await fs.promises.open(path.join(dir, 'probe'), 'w')
    const prototype = Object.getPrototypeOf(probe) as Record<typeof step, () => Promise<void>>
    await probe.close()
    fs.rmSync(path.join(dir, 'probe'))
    const failing = vi.spyOn(prototype, step).mockRejectedValue(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))
    try {
      await expect(writeFileAtomic(file, 'new')).rejects.toThrow(/ENOSPC/)
    } finally {
      failing.mockRestore()
    }
    expect(fs.readdirSync(dir)).toEqual(['state.json'])
    expect(fs.readFileSync(file, 'utf8')).toBe('old')
  })

  it('writes through the temporary file it is given, and leaves none behind', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'spool.lp.progress')
    const temp = `${file}.0123.tmp`
    fs.writeFileSync(temp, 'left by a crash')
    await writeFileAtomic(file, '{"offset":42}\n', { temp })
    expect(fs.readFileSync(file, 'utf8')).toBe('{"offset":42}\n')
    expect(fs.readdirSync(dir)).toEqual(['spool.lp.progress'])
  })

  it('fsyncs the file and its directory, and neither with sync: false (the replace itself the same)', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'state.json')
    // FileHandle is not exported: its prototype, from a handle.
    const probe = await fs.promises.open(path.join(dir, 'probe'), 'w')
    const prototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> }
    await probe.close()
    fs.rmSync(path.join(dir, 'probe'))
    const syncs = vi.spyOn(prototype, 'sync')
    try {
      await writeFileAtomic(file, 'durable')
      expect(syncs).toHaveBeenCalledTimes(2)
      syncs.mockClear()
      await writeFileAtomic(file, 'not synced', { sync: false })
      expect(syncs).toHaveBeenCalledTimes(0)
      await writeFileAtomic(file, 'synced again', { sync: true })
      expect(syncs).toHaveBeenCalledTimes(2)
    } finally {
      syncs.mockRestore()
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('synced again')
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
