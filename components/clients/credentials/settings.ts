// Where credential settings come from: the stack config Pulumi hands the dynamic-provider process (kept in a
// process-wide store by components/dynamic/withStackConfig.ts), then the environment variables the providers
// themselves read. The stack config wins, as in the azuread and auth0 providers (their environment variables are
// only defaults: terraform-plugin-sdk DefaultFunc, and tfbridge.ConfigStringValue reads config before env).
// Every value remembers where it came from, so errors and the one-line notice can name it; values never appear in
// either. docs/credentials.md has the sources.

/** What `pulumi.dynamic.Config` offers; also satisfied by a plain map in tests. */
export interface ConfigLookup {
    get(key: string): unknown;
}

/** A setting's value and where it was read: a config key such as `azuread:clientId`, or an env var name. */
export interface Sourced<T> {
    value: T;
    from: string;
    /** True when the value came from an environment variable rather than the stack config. */
    fromEnv: boolean;
}

let storedConfig: ConfigLookup | undefined;

/** Keeps the stack config the provider host delivered (configure), for every client in this process. */
export function setStackConfig(config: ConfigLookup | undefined): void {
    storedConfig = config;
}

/** The stack config of this process, if the host delivered one. */
export function stackConfig(): ConfigLookup | undefined {
    return storedConfig;
}

// Pulumi's secret wrapper, in case a caller passes a property value that still carries it (the Node.js host
// unwraps top-level secrets before configure: @pulumi/pulumi cmd/dynamic-provider/index.js, rpc.unwrapRpcSecret).
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function asText(v: unknown): string | undefined {
    if (v && typeof v === "object" && SECRET_SIG in v) return asText((v as { value?: unknown }).value);
    if (typeof v === "boolean" || typeof v === "number") return String(v);
    if (typeof v !== "string") return undefined;
    const s = v.trim();
    return s === "" ? undefined : s;
}

/** Reads settings from one stack config and one environment, config first. */
export class SettingsReader {
    constructor(
        private readonly config: ConfigLookup | undefined,
        private readonly env: NodeJS.ProcessEnv,
    ) {}

    /** The config key's value, else the first env var set (in the order given), else undefined. */
    string(key: string, envVars: readonly string[] = []): Sourced<string> | undefined {
        const c = asText(this.config?.get(key));
        if (c !== undefined) return { value: c, from: key, fromEnv: false };
        for (const name of envVars) {
            const e = asText(this.env[name]);
            if (e !== undefined) return { value: e, from: name, fromEnv: true };
        }
        return undefined;
    }

    /** A boolean setting read like Go's strconv.ParseBool (1, t, true, 0, f, false, any case); `fallback` when unset. */
    bool(key: string, envVars: readonly string[], fallback: boolean): Sourced<boolean> {
        const s = this.string(key, envVars);
        if (s === undefined) return { value: fallback, from: "default", fromEnv: false };
        const v = s.value.toLowerCase();
        if (["1", "t", "true"].includes(v)) return { ...s, value: true };
        if (["0", "f", "false"].includes(v)) return { ...s, value: false };
        throw new CredentialSettingsError(`${s.from} must be true or false; got "${s.value}".`);
    }
}

/** Thrown when credential settings are missing, unreadable or contradictory: names the settings, never their values. */
export class CredentialSettingsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CredentialSettingsError";
    }
}

/** `key (or ENV_VAR)`: how errors name a setting the user may set either way. */
export function settingName(key: string, envVars: readonly string[]): string {
    return envVars.length > 0 ? `${key} (or ${envVars.join(" / ")})` : key;
}

let notice: (line: string) => void = (line) => console.log(line);
const noticed = new Set<string>();

/**
 * Says once per process which environment variables a credential came from (the provider process's stdout reaches
 * the Pulumi CLI as an info diagnostic; the host gives dynamic providers no debug channel). Names only.
 */
export function noticeOnce(line: string): void {
    if (noticed.has(line)) return;
    noticed.add(line);
    notice(line);
}

/** Tests: where notices go, and forget the ones already given. */
export function setNoticeSink(sink: (line: string) => void): void {
    notice = sink;
    noticed.clear();
}
