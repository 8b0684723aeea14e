import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ALLOWED, PUBLISHED, SCOPE, findCycle, importedSpecifiers, packageOf, readPackages, repoRoot, sourceFiles } from './workspace.js'

const packages = readPackages()
const isTestFile = (file: string) => /\.test\.ts$/.test(file) || file.includes(`${path.sep}test${path.sep}`) || file.endsWith('vitest.config.ts')

describe('the checker itself', () => {
  it('finds a cycle and accepts a DAG', () => {
    expect(findCycle({ a: ['b'], b: ['c'], c: ['a'] })).toEqual(['a', 'b', 'c', 'a'])
    expect(findCycle({ a: ['b', 'c'], b: ['c'], c: [] })).toBeUndefined()
  })
  it('reads static, dynamic and side-effect imports and names their packages', () => {
    const specs = importedSpecifiers(`import a from 'x'\nexport { b } from "@s/y/deep"\nconst c = await import('z/sub')\nimport './local.js'`)
    expect(specs.sort()).toEqual(['./local.js', '@s/y/deep', 'x', 'z/sub'])
    expect(specs.map(packageOf).filter(Boolean).sort()).toEqual(['@s/y', 'x', 'z'])
    // multi-line lists are read; `from "..."` inside a string is no import
    expect(importedSpecifiers(`import {\n  a,\n  b,\n} from 'm'\nconst s = 'copied from "eht_test" to "other"'\nthrow new Error(\`export from 'x'\`)`)).toEqual(['m'])
  })
})

describe('the six packages of DESIGN.md', () => {
  it('exist under packages/ and nothing else does', () => {
    expect(packages.map((p) => p.folder).sort()).toEqual([...PUBLISHED].sort())
  })

  for (const pkg of packages) {
    describe(pkg.folder, () => {
      const rules = ALLOWED[pkg.folder]!
      const deps = pkg.manifest.dependencies ?? {}

      it('declares only the runtime dependencies DESIGN.md allows', () => {
        const allowed = new Set([...rules.internal.map((n) => SCOPE + n), ...rules.external])
        expect(Object.keys(deps).filter((d) => !allowed.has(d))).toEqual([])
      })

      it('names internal dependencies with workspace:^ ranges', () => {
        const internal = Object.entries(deps).filter(([name]) => name.startsWith(SCOPE))
        expect(internal.filter(([, range]) => range !== 'workspace:^')).toEqual([])
      })

      it('imports in its sources only what it declares', () => {
        const declared = new Set([...Object.keys(deps), ...Object.keys(pkg.manifest.peerDependencies ?? {})])
        const testDeclared = new Set([...declared, ...Object.keys(pkg.manifest.devDependencies ?? {}), 'vitest', pkg.manifest.name])
        const problems: string[] = []
        for (const file of sourceFiles(path.join(pkg.dir, 'src'))) {
          const known = isTestFile(file) ? testDeclared : declared
          for (const spec of importedSpecifiers(fs.readFileSync(file, 'utf8'))) {
            const name = packageOf(spec)
            if (name !== undefined && !known.has(name)) problems.push(`${path.relative(repoRoot, file)} imports ${spec}`)
          }
        }
        expect(problems).toEqual([])
      })

      it('has src/index.ts as its only public entry, with explicit exports', () => {
        const index = path.join(pkg.dir, 'src', 'index.ts')
        expect(fs.existsSync(index)).toBe(true)
        expect(fs.readFileSync(index, 'utf8')).not.toMatch(/export\s+\*\s+from/)
        expect(Object.keys(pkg.manifest.exports ?? {}).sort()).toEqual(['.', './package.json'])
      })
    })
  }
})

describe('across the repository', () => {
  const roots = ['packages', 'tools', 'bench', 'scripts'].map((d) => path.join(repoRoot, d)).filter((d) => fs.existsSync(d))
  const files = roots.flatMap(sourceFiles)

  it('never deep-imports another package (only through its exports)', () => {
    const deep = files.flatMap((file) =>
      importedSpecifiers(fs.readFileSync(file, 'utf8'))
        .filter((s) => s.startsWith(SCOPE) && s.split('/').length > 2 && !s.endsWith('/package.json') && !s.startsWith(`${SCOPE}test-support/`))
        .map((s) => `${path.relative(repoRoot, file)} imports ${s}`),
    )
    expect(deep).toEqual([])
  })

  it('never reaches into another package through a relative path', () => {
    const escapes = files
      .filter((file) => file.startsWith(path.join(repoRoot, 'packages')))
      .flatMap((file) => {
        const own = path.relative(path.join(repoRoot, 'packages'), file).split(path.sep)[0]!
        return importedSpecifiers(fs.readFileSync(file, 'utf8'))
          .filter((s) => s.startsWith('.'))
          .filter((s) => path.relative(path.join(repoRoot, 'packages'), path.resolve(path.dirname(file), s)).split(path.sep)[0] !== own)
          .map((s) => `${path.relative(repoRoot, file)} imports ${s}`)
      })
    expect(escapes).toEqual([])
  })

  it('has no import cycle between packages (declared or imported)', () => {
    const graph: Record<string, string[]> = {}
    for (const pkg of packages) {
      const declared = Object.keys(pkg.manifest.dependencies ?? {}).filter((d) => d.startsWith(SCOPE))
      const imported = sourceFiles(path.join(pkg.dir, 'src'))
        .filter((f) => !isTestFile(f))
        .flatMap((f) => importedSpecifiers(fs.readFileSync(f, 'utf8')))
        .map(packageOf)
        .filter((n): n is string => n !== undefined && n.startsWith(SCOPE) && n !== pkg.manifest.name)
      graph[pkg.manifest.name] = [...new Set([...declared, ...imported])]
    }
    expect(findCycle(graph)).toBeUndefined()
  })
})
