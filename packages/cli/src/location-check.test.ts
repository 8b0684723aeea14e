import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkLocation, staticDirectory } from './location-check.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-cli-location-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('staticDirectory', () => {
  it('stops before the first strftime field; a file pattern loses its name', () => {
    expect(staticDirectory('/var/log/eht/%Y/%m/day-%d.jsonl', false)).toBe('/var/log/eht')
    expect(staticDirectory('/var/log/eht/eht-%Y-%m-%d.jsonl', false)).toBe('/var/log/eht')
    expect(staticDirectory('/var/spool/eht', true)).toBe('/var/spool/eht')
    expect(staticDirectory('/%Y.jsonl', false)).toBe('/')
  })
})

describe('checkLocation', () => {
  it('reports an existing writable directory with its free space', async () => {
    const report = await checkLocation('spool', root, true)
    expect(report).toMatchObject({ directory: root, exists: true, writable: true, ok: true })
    const { bavail, bsize } = fs.statfsSync(root)
    // other processes write to the same disk meanwhile: the same figure within 256 MB
    expect(Math.abs(report.freeBytes! - bavail * bsize)).toBeLessThan(256 * 1024 * 1024)
    expect(report.detail).toContain(`${root} exists, writable`)
  })

  it('reports a directory that will be created, judged by its nearest existing parent', async () => {
    const report = await checkLocation('logfile', path.join(root, 'a', 'b', 'eht-%Y.jsonl'), false)
    expect(report).toMatchObject({ directory: path.join(root, 'a', 'b'), exists: false, writable: true, ok: true })
    expect(report.detail).toContain(`will be created (in ${root})`)
  })

  it('fails where a directory cannot be made (a file is in the way)', async () => {
    const file = path.join(root, 'not-a-dir')
    fs.writeFileSync(file, 'x')
    const report = await checkLocation('logfile', path.join(file, 'logs', 'eht.jsonl'), false)
    expect(report).toMatchObject({ writable: false, ok: false, exists: false })
    expect(report.detail.startsWith(`${file} is a file, not a directory: ${path.join(file, 'logs')} cannot be created in it`)).toBe(true)
  })

  it('says a file is a file where the directory itself is one (not "NOT writable by this user")', async () => {
    const file = path.join(root, 'a-file')
    fs.writeFileSync(file, 'x')
    const report = await checkLocation('logfile', path.join(file, 'eht.jsonl'), false)
    expect(report).toMatchObject({ writable: false, ok: false, exists: false })
    expect(report.detail).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')} is a file, not a directory(, .* free)?$`))
    expect(report.detail).not.toContain('NOT writable')
  })
})
