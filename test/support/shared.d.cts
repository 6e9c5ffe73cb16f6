// Types of shared.cjs (see there).

/** Every process but this one. */
export declare function pids(): number[];
/** /proc/<pid>/<file>, or '' when the process is gone. */
export declare function readProc(pid: number, file: string): string;
/** A process's argv; [] when it is gone or a zombie. */
export declare function argvOf(pid: number): string[];
export declare function parentOf(pid: number): number | undefined;
export declare function isAlive(pid: number): boolean;
/** Live processes (no zombies, not this one) whose argv passes `test`. */
export declare function processesWhere(test: (argv: string[], pid: number) => boolean): number[];
/** Every host process of a UML instance (umid=<umid> in its argv). */
export declare function umidProcesses(umid: string): number[];
export declare function childrenOf(pid: number): number[];
export declare function killPids(pids: Iterable<number>, signal?: NodeJS.Signals): void;
/** Kills every process of the instance until none is left, removes <umlDir>/<umid>; the pids killed. */
export declare function killUmid(umid: string, umlDir?: string): number[];

export declare function busybox(): string;
/** A busybox hostfs root whose /init installs the applets (unless `install: false`), mounts /proc (and /sys with `sysfs`), then runs `script`. */
export declare function makeBusyboxRoot(script: string, o?: { dir?: string; sysfs?: boolean; install?: boolean; prefix?: string }): string;

/** A BusyBox initramfs (newc cpio, gzip) whose /init runs `script`: a file in a temp dir of its own. */
export declare function makeInitramfs(script: string): string;

export declare function sleep(ms: number): Promise<void>;
/** fn's first truthy value, or its last (falsy) one once `ms` have passed. */
export declare function pollUntil<T>(fn: () => T | Promise<T>, ms: number, every?: number): Promise<T>;
/** fn's first truthy value; throws `what` once `ms` have passed. */
export declare function waitUntil<T>(what: string, fn: () => T | Promise<T>, ms: number, every?: number): Promise<T>;

export declare function median(xs: readonly number[]): number;
