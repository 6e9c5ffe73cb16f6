// The defaults of every umlKernelDebug.* setting, as package.json declares them: src/config.ts
// reads each setting with these, and a unit test holds them against package.json (this file
// has no vscode import, so the test can load it).

export const SETTING_DEFAULTS = {
  umlDir: '',
  mconsoleTimeout: 3000,
  buildDir: '',
  'rootfs.debianSuite': '',
  'rootfs.debianMirror': '',
  indexInBackground: true,
  'kunit.buildDir': '.kunit',
  /** Build options must be the same for Run and Debug (else each switch rebuilds): debug info on. */
  'kunit.kconfigAdd': ['CONFIG_DEBUG_KERNEL=y', 'CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y', 'CONFIG_GDB_SCRIPTS=y', 'CONFIG_FRAME_POINTER=y'],
  'kunit.kunitconfig': [] as string[],
  'kunit.coverageKunitconfig': [] as string[],
  'kunit.timeout': 300,
  snapshotOnCrash: false,
  snapshotDir: '',
  kernelData: { lists: true, rbtrees: true, mapleTrees: true, xarrays: true, perCpu: true, counters: true, ids: true, time: true, cpumasks: true } as Partial<Record<'lists' | 'rbtrees' | 'mapleTrees' | 'xarrays' | 'perCpu' | 'counters' | 'ids' | 'time' | 'cpumasks', boolean>>,
};

export type SettingName = keyof typeof SETTING_DEFAULTS;
