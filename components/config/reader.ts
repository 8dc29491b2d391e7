// Walking raw config: the problem list, the typed readers that feed it, and the link between a block's declared
// keys and its settings type. Every config file reads through this; nothing here knows a config key.
import { RunError } from "@pulumi/pulumi/errors";
import { nearestKey } from "./configKeys";

export interface ConfigProblem {
    /** Config path, e.g. `connections[2].entra.assignments.groups[0]` or `auth0:domain`. */
    path: string;
    message: string;
}

/**
 * Bad config, with every problem. A pulumi.RunError, so that Pulumi ends the program with the message alone (no stack
 * trace) whether the stack or another program that embeds ScimConnection throws it.
 */
export class ConfigError extends RunError {
    constructor(
        readonly problems: ConfigProblem[],
        /** What was being validated, for the first line of the message. */
        subject = "stack configuration",
    ) {
        super(formatProblems(problems, subject));
        this.name = "ConfigError";
    }
}

export function formatProblems(problems: ConfigProblem[], subject = "stack configuration"): string {
    const n = problems.length;
    return [`Invalid ${subject}: ${n} problem${n === 1 ? "" : "s"}; nothing was registered.`, ...problems.map((p) => `  - ${p.path}: ${p.message}`)].join("\n");
}

/** A block as read from config: its declared keys, each of any value until a reader checks it. */
export type Raw<T> = { [K in keyof T]?: unknown };

/**
 * The known-key list of a config block, taken from its declared type: tsc requires exactly the keys of T here,
 * so a key added to the type and forgotten in the list (or the reverse) does not compile.
 */
export function knownKeys<T>(keys: { [K in keyof Required<T>]: true }): readonly (keyof T & string)[] {
    return Object.keys(keys) as (keyof T & string)[];
}

/**
 * A block's settings: its config type with defaults applied, so every key is present except those listed in
 * `Optional`. A key added to the config type is thereby a settings key too, and the reader must produce it.
 */
export type Settled<T, Optional extends keyof T = never> = Required<Omit<T, Optional>> & Pick<T, Optional>;

type Obj = Record<string, unknown>;

/** Collects problems while walking raw config; every reader returns undefined on a bad value. */
export class Reader {
    readonly problems: ConfigProblem[] = [];

    fail(path: string, message: string): undefined {
        this.problems.push({ path, message });
        return undefined;
    }

    /** True when a problem at `path` or below it has been reported. */
    failedAt(path: string): boolean {
        return this.problems.some((p) => p.path.startsWith(path));
    }

    object(v: unknown, path: string, hint: string): Obj | undefined {
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "object" || Array.isArray(v)) return this.fail(path, `must be an object (${hint}); got ${describe(v)}.`);
        return v as Obj;
    }

    /** Rejects keys the contract does not know, so a typo does not silently fall back to a default. */
    keys(o: Obj, path: string, known: readonly string[]): void {
        for (const k of Object.keys(o)) {
            if (!known.includes(k)) {
                const near = nearestKey(k, known);
                this.fail(join(path, k), `unknown key${near ? `: did you mean ${near}?` : "."} Known keys here: ${known.join(", ")}.`);
            }
        }
    }

    /** An object whose keys are checked against the block's declared ones. */
    block<T>(v: unknown, path: string, hint: string, known: readonly (keyof T & string)[]): Raw<T> | undefined {
        const o = this.object(v, path, hint);
        if (o) this.keys(o, path, known);
        return o as Raw<T> | undefined;
    }

    string(v: unknown, path: string, hint: string): string | undefined {
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "string") return this.fail(path, `must be a string (${hint}); got ${describe(v)}.`);
        if (v.trim() === "") return this.fail(path, `must not be empty (${hint}).`);
        return v;
    }

    boolean(v: unknown, path: string): boolean | undefined {
        if (v === undefined || v === null) return undefined;
        if (typeof v === "boolean") return v;
        // Pulumi's `config set` stores scalars as strings.
        if (v === "true") return true;
        if (v === "false") return false;
        return this.fail(path, `must be true or false; got ${describe(v)}.`);
    }

    integer(v: unknown, path: string, min: number, max: number, hint: string): number | undefined {
        if (v === undefined || v === null) return undefined;
        const n = typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
        if (typeof n !== "number" || !Number.isInteger(n)) return this.fail(path, `must be a whole number (${hint}); got ${describe(v)}.`);
        if (n < min || n > max) return this.fail(path, `must be between ${min} and ${max} (${hint}); got ${n}.`);
        return n;
    }

    array(v: unknown, path: string, hint: string): unknown[] | undefined {
        if (v === undefined || v === null) return undefined;
        if (!Array.isArray(v)) return this.fail(path, `must be a list (${hint}); got ${describe(v)}.`);
        return v;
    }

    oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T | undefined {
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "string" || !(options as readonly string[]).includes(v)) {
            return this.fail(path, `must be one of ${options.join(", ")}; got ${describe(v)}.`);
        }
        return v as T;
    }

    httpsUrl(v: unknown, path: string, hint: string): string | undefined {
        const s = this.string(v, path, hint);
        if (s === undefined) return undefined;
        try {
            const u = new URL(s);
            if (u.protocol !== "https:") return this.fail(path, `must be an https:// URL (${hint}); got "${s}".`);
        } catch {
            return this.fail(path, `is not a URL (${hint}); got "${s}".`);
        }
        return s;
    }

    stringList(v: unknown, path: string, hint: string, check?: (s: string, p: string) => boolean): string[] {
        const list = this.array(v, path, hint) ?? [];
        const out: string[] = [];
        const seen = new Map<string, number>();
        list.forEach((item, i) => {
            const p = `${path}[${i}]`;
            const s = this.string(item, p, hint);
            if (s === undefined) {
                if (item === undefined || item === null) this.fail(p, `must not be empty (${hint}).`);
                return;
            }
            if (check && !check(s, p)) return;
            const key = s.toLowerCase();
            const first = seen.get(key);
            if (first !== undefined) {
                this.fail(p, `duplicate of ${path}[${first}] ("${s}"); list each once.`);
                return;
            }
            seen.set(key, i);
            out.push(s);
        });
        return out;
    }

    /** A check for stringList: values must pass `rule`, else `message(value)` is reported. */
    matching(rule: (s: string) => boolean, message: (s: string) => string): (s: string, p: string) => boolean {
        return (s, p) => {
            if (rule(s)) return true;
            this.fail(p, message(s));
            return false;
        };
    }
}

/** Unset: absent, or null (YAML `~`, JSON null); the reader treats both the same, so required checks must too. */
export function isMissing(v: unknown): v is undefined | null {
    return v === undefined || v === null;
}

export function join(path: string, key: string): string {
    return path === "" ? key : `${path}.${key}`;
}

function describe(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "a list";
    if (typeof v === "object") return "an object";
    if (typeof v === "string") return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
    return `${typeof v} ${String(v)}`;
}

// Patterns the config checks values against (GUIDs: helpers/ids.ts).
// Auth0: letters, digits and '-', not starting or ending with '-', at most 128 characters.
export const CONNECTION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/;
export const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(s: string): boolean {
    return EMAIL.test(s);
}
