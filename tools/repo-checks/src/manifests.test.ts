import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readPackages, repoRoot } from './workspace.js'

const root = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { packageManager?: string; scripts: Record<string, string> }

describe('root manifest', () => {
  it('pins pnpm 10 and has the scripts the README and CI rely on', () => {
    expect(root.packageManager).toMatch(/^pnpm@10\./)
    for (const script of ['build', 'test', 'typecheck', 'lint', 'bench', 'changeset', 'release']) expect(root.scripts[script], script).toBeTruthy()
  })
  it('configures changesets for independent versions', () => {
    const config = JSON.parse(fs.readFileSync(path.join(repoRoot, '.changeset', 'config.json'), 'utf8'))
    expect(config).toMatchObject({ fixed: [], linked: [], access: 'public', updateInternalDependencies: 'patch' })
  })
})

for (const pkg of readPackages()) {
  describe(`${pkg.folder}/package.json`, () => {
    const m = pkg.manifest
    it('is a public, ESM-only package named after its folder', () => {
      expect(m.name).toBe(`@eht-influx-client/${pkg.folder}`)
      expect(m.private).not.toBe(true)
      expect(m.type).toBe('module')
      expect(m.sideEffects).toBe(false)
      expect(m.publishConfig?.access).toBe('public')
      expect(m.engines?.node).toBe('>=20')
    })
    it('exports types first, then the ESM entry, plus ./package.json', () => {
      const dot = m.exports?.['.'] as Record<string, string>
      expect(Object.keys(dot)[0]).toBe('types')
      expect(dot.types).toBe('./dist/index.d.ts')
      expect(dot.import).toBe('./dist/index.js')
      expect(m.exports?.['./package.json']).toBe('./package.json')
      expect(m.files?.[0]).toBe('dist')
    })
    it('has a README with a Usage section and a first changeset', () => {
      const readme = fs.readFileSync(path.join(pkg.dir, 'README.md'), 'utf8')
      expect(readme.startsWith(`# ${m.name}`)).toBe(true)
      expect(readme).toContain('## Usage')
      const changesets = fs
        .readdirSync(path.join(repoRoot, '.changeset'))
        .filter((f) => f.endsWith('.md') && f !== 'README.md')
        .map((f) => fs.readFileSync(path.join(repoRoot, '.changeset', f), 'utf8'))
      const mentions = changesets.some((text) => text.includes(`"${m.name}"`)) || fs.existsSync(path.join(pkg.dir, 'CHANGELOG.md'))
      expect(mentions, `no changeset or CHANGELOG for ${m.name}`).toBe(true)
    })
  })
}
