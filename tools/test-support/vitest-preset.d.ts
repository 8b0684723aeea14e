import type { UserConfig } from 'vitest/config'
export declare function packageTestConfig(overrides?: UserConfig): UserConfig
