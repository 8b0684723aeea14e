import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { OutputError } from './errors.js'
import { openFileSink, renameDurably } from './file-sink.js'
import { partialPath } from './partial-file.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-cli-sink-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('file sink: all or nothing', () => {
  it('the output appears only on commit; abort leaves nothing', async () => {
    const target = path.join(dir, 'out.lp')
    const sink = await openFileSink(target, { overwrite: false })
    await sink.write('m v=1 1\n')
    expect(fs.readdirSync(dir)).toEqual([expect.stringMatching(/^\.out\.lp\.partial-/)])
    await sink.commit()
    expect([fs.readdirSync(dir), fs.readFileSync(target, 'utf8'), sink.bytesWritten]).toEqual([['out.lp'], 'm v=1 1\n', 8])
    const aborted = await openFileSink(path.join(dir, 'never.lp'), { overwrite: false })
    await aborted.write('m v=2 2\n')
    await aborted.abort()
    expect(fs.readdirSync(dir)).toEqual(['out.lp'])
  })

  it('renameDurably keeps an output that appeared meanwhile unless overwrite, and removes the partial file', async () => {
    const target = path.join(dir, 'raced.lp')
    const partial = await partialPath(target)
    fs.writeFileSync(partial, 'new\n')
    fs.writeFileSync(target, 'theirs\n')
    await expect(renameDurably(partial, target, false)).rejects.toThrow(OutputError)
    expect([fs.existsSync(partial), fs.readFileSync(target, 'utf8')]).toEqual([false, 'theirs\n'])
    fs.writeFileSync(partial, 'new\n')
    await renameDurably(partial, target, true)
    expect([fs.existsSync(partial), fs.readFileSync(target, 'utf8')]).toEqual([false, 'new\n'])
  })
})
