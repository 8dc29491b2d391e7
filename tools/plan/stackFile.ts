// Reads a Pulumi stack file as the plan needs it: full config keys, and every `secure:` value (top-level or nested,
// as `pulumi config set --secret --path` writes them) replaced by a marker the plan can name but never decrypt.
import * as fs from "node:fs";
import * as YAML from "yaml";
import { PROJECT } from "../../components/config";

/** What a `secure:` value reads as offline; the key holding it is passed on as a secret. */
export const ENCRYPTED_MARKER = "[secure value: not decrypted offline]";

export interface StackFile {
    file: string;
    /** Full keys (`auth0:domain`, `auth0-entra-scim:connections`) to values, secure values replaced by the marker. */
    config: Record<string, unknown>;
    /** Full keys holding a secure value anywhere inside: Pulumi treats the whole key as a secret. */
    secretKeys: string[];
    /** Config paths (as config problems name them: `auth0:domain`, `connections[0].name`) of the secure values. */
    encryptedPaths: string[];
}

/** A stack file the plan cannot read (not YAML, `config` not a map): exit code 1, like bad config. */
export class StackFileError extends Error {}

/** The path config problems use for a full key: the project's own keys go without their namespace. */
export function problemPath(fullKey: string): string {
    return fullKey.startsWith(`${PROJECT}:`) ? fullKey.slice(PROJECT.length + 1) : fullKey;
}

function isSecure(v: unknown): v is { secure: unknown } {
    return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
}

function replaceSecure(value: unknown, path: string, found: string[]): unknown {
    if (isSecure(value)) {
        found.push(path);
        return ENCRYPTED_MARKER;
    }
    if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, `${path}[${i}]`, found));
    if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = replaceSecure(v, `${path}.${k}`, found);
        return out;
    }
    return value;
}

export function readStackFile(file: string): StackFile {
    let doc: unknown;
    try {
        doc = YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new StackFileError(`${file} is not valid YAML: ${(err as Error).message}`);
    }
    const raw = (doc && typeof doc === "object" ? (doc as Record<string, unknown>).config : undefined) ?? {};
    if (typeof raw !== "object" || Array.isArray(raw)) throw new StackFileError(`${file}: "config" must be a map of keys to values.`);
    const config: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    const encryptedPaths: string[] = [];
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        // Pulumi prefixes un-namespaced keys with the project name.
        const full = key.includes(":") ? key : `${PROJECT}:${key}`;
        const found: string[] = [];
        config[full] = replaceSecure(value, problemPath(full), found);
        if (found.length > 0) secretKeys.push(full);
        encryptedPaths.push(...found);
    }
    return { file, config, secretKeys, encryptedPaths };
}
