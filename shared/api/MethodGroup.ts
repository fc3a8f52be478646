// The shape of one domain's part of the contract, and the merge of all parts into the one
// contract object (as tRPC merges routers), which refuses a method declared in two parts.
import type { z } from 'zod';

export interface MethodSpec {
  readonly input: z.ZodType;
  readonly output: z.ZodType;
}

/** Methods named `domain.verb`, each with its zod input and output. */
export type MethodGroup = { readonly [name: string]: MethodSpec };

type AllKeys<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R] ? keyof H | AllKeys<R> : never;
/** Method names declared in more than one group. */
type NamedTwice<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R] ? (keyof H & AllKeys<R>) | NamedTwice<R> : never;
type Merged<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R] ? H & Merged<R> : unknown;
type Flat<T> = { readonly [K in keyof T]: T[K] };

/**
 * One object holding every group's methods. A name declared twice fails to compile (the type
 * names it) and, should a cast hide that, throws when the contract module loads.
 */
export function mergeMethods<const T extends readonly MethodGroup[]>(
  ...groups: T & ([NamedTwice<T>] extends [never] ? unknown : { readonly namedTwice: NamedTwice<T> })
): Flat<Merged<T>> {
  const merged: Record<string, MethodSpec> = {};
  for (const group of groups as readonly MethodGroup[]) {
    for (const [name, spec] of Object.entries(group)) {
      if (Object.prototype.hasOwnProperty.call(merged, name)) throw new Error(`the contract declares '${name}' twice`);
      merged[name] = spec;
    }
  }
  return merged as Flat<Merged<T>>;
}
