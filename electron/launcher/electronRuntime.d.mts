export declare function electronVersion(): string | null;
export declare function electronBinary(): string | null;
export declare function hasDisplay(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): boolean;
export declare function electronSqlitePath(version?: string | null): string;
export declare function electronSqliteReady(): boolean;
