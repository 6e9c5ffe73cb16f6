// Which launch configuration our F5 starts (f5.ts), decided from launch.json alone: pure, so
// it unit-tests without VS Code.

/** The context key our F5 keybinding waits for (package.json's keybindings say the same). */
export const F5_CONTEXT = 'umlKernelDebug.f5Config';
export const F5_COMMAND = 'umlKernelDebug.f5';

export interface LaunchEntry { type?: unknown; name?: unknown }

/** Whether the folder's launch configurations hold a "uml" one (then the Run and Debug view offers no other). */
export function hasUmlConfiguration(configs: unknown): boolean {
  return Array.isArray(configs) && configs.some((c: LaunchEntry | null) => c?.type === 'uml');
}

/**
 * The one "uml" configuration F5 can mean, by name: the workspace has one folder and its
 * launch configurations hold exactly one of type "uml". With the keybinding's condition (the
 * selected configuration's type is "uml", no session) that one is the selected one: VS Code
 * selects configurations by name, and ours offers no dynamic configuration beside one in
 * launch.json (provider.ts, dynamicConfigurations). Anything else: undefined, and VS Code's
 * own F5 runs.
 */
export function soleUmlConfiguration(configs: unknown, folders: number): string | undefined {
  if (folders !== 1 || !Array.isArray(configs)) return undefined;
  const mine = configs.filter((c: LaunchEntry | null) => c?.type === 'uml' && typeof c.name === 'string');
  return mine.length === 1 ? mine[0].name as string : undefined;
}
