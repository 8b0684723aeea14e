import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PUBLISHED, SCOPE, readPackages } from './workspace.js'

// Each published package, packed as npm would publish it, installs alone into a
// fresh project together with only the tarballs of its own internal
// dependencies, and imports. External dependencies come from the npm registry.

const packages = readPackages()
const byFolder = new Map(packages.map((p) => [p.folder, p]))
let workDir: string
const tarballs = new Map<string, string>()

function internalDeps(folder: string, seen = new Set<string>()): Set<string> {
  for (const dep of Object.keys(byFolder.get(folder)?.manifest.dependencies ?? {})) {
    if (!dep.startsWith(SCOPE)) continue
    const name = dep.slice(SCOPE.length)
    if (!seen.has(name)) {
      seen.add(name)
      internalDeps(name, seen)
    }
  }
  return seen
}

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-pack-'))
  for (const pkg of packages) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', workDir], { cwd: pkg.dir, encoding: 'utf8' })
    const tarball = out.trim().split('\n').filter((l) => l.endsWith('.tgz')).at(-1)
    if (tarball === undefined) throw new Error(`pnpm pack printed no tarball for ${pkg.folder}:\n${out}`)
    tarballs.set(pkg.folder, path.isAbsolute(tarball) ? tarball : path.join(workDir, path.basename(tarball)))
  }
})

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true })
})

describe.each([...PUBLISHED])('%s packed and installed alone', (folder) => {
  it('installs with npm and imports the same API as in the workspace', async () => {
    const project = fs.mkdtempSync(path.join(workDir, `install-${folder}-`))
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'probe', private: true, type: 'module' }))
    const wanted = [folder, ...internalDeps(folder)].map((f) => tarballs.get(f)!)
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...wanted], { cwd: project, encoding: 'utf8', stdio: 'pipe' })

    const name = SCOPE + folder
    const installed = execFileSync('node', ['--input-type=module', '-e', `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m).sort()))`], { cwd: project, encoding: 'utf8' })
    const workspace = Object.keys(await import(path.join(byFolder.get(folder)!.dir, 'dist', 'index.js'))).sort()
    expect(JSON.parse(installed)).toEqual(workspace)
    expect(workspace.length).toBeGreaterThan(0)

    // Only the package, its internal dependencies and their declared externals were installed.
    const scoped = fs.readdirSync(path.join(project, 'node_modules', '@eht-influx-client')).sort()
    expect(scoped).toEqual([folder, ...internalDeps(folder)].sort())
    const tarballFiles = execFileSync('tar', ['-tzf', tarballs.get(folder)!], { encoding: 'utf8' }).split('\n')
    expect(tarballFiles.filter((f) => /\/src\/|\.test\.|tsbuildinfo/.test(f))).toEqual([])
  })
})

describe('timebin', () => {
  it('installs with no runtime dependency at all', () => {
    const project = fs.mkdtempSync(path.join(workDir, 'timebin-alone-'))
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'probe', private: true, type: 'module' }))
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--loglevel=error', tarballs.get('timebin')!], { cwd: project, stdio: 'pipe' })
    const top = fs.readdirSync(path.join(project, 'node_modules')).filter((d) => !d.startsWith('.'))
    expect(top).toEqual(['@eht-influx-client'])
    expect(fs.readdirSync(path.join(project, 'node_modules', '@eht-influx-client'))).toEqual(['timebin'])
  })
})

describe('cli', () => {
  it('provides the eht-influx-client command', () => {
    const project = fs.readdirSync(workDir).find((d) => d.startsWith('install-cli-'))
    expect(project, 'the cli install above must have run').toBeDefined()
    const bin = path.join(workDir, project!, 'node_modules', '.bin', 'eht-influx-client')
    expect(fs.existsSync(bin)).toBe(true)
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()
    expect(version).toContain(byFolder.get('cli')!.manifest.version)
  })
})

