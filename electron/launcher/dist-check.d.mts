export declare const SIZE_BUDGET: number;
export declare const EXIT_SKIPPED: number;
export interface PackedFile {
  path: string;
  size: number;
  unpacked: boolean;
}
export declare function inspectResources(
  resourcesDir: string,
  packages: { prod: Set<string>; dev: Set<string> },
  budget?: number,
): { problems: string[]; files: PackedFile[]; size: number };
