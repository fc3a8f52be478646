export declare const ROOT: string;
export declare function buildIsStale(): boolean;
export declare function ensureBuilt(options?: { force?: boolean; quiet?: boolean }): boolean;
