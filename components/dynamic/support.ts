// Small pieces the Graph-backed dynamic providers share.
import type * as pulumi from "@pulumi/pulumi";

/** Keys whose values differ between old outputs and new inputs (an unknown new value counts as different). */
export function changedKeys(olds: object, news: object, keys: readonly string[]): string[] {
    const o = olds as Record<string, unknown>;
    const n = news as Record<string, unknown>;
    return keys.filter((k) => (o[k] ?? null) !== (n[k] ?? null));
}

/** Diff result for resources whose identity keys force a replacement and whose other keys update in place. */
export function diffResult(replaces: string[], updates: string[]): pulumi.dynamic.DiffResult {
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

/** Check failures for identity inputs that must be non-empty strings (unknown values pass: they are strings too). */
export function requireStrings(inputs: object, keys: readonly string[]): pulumi.dynamic.CheckFailure[] {
    // What the engine sends is not checked against the declared type until here.
    const raw = inputs as Record<string, unknown>;
    return keys
        .filter((k) => typeof raw[k] !== "string" || (raw[k] as string).trim() === "")
        .map((k) => ({ property: k, reason: `${k} is required (a non-empty string)` }));
}
