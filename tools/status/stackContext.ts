// What `npm run ticket` and `npm run status` read from a stack: its `connections` output (as `npm run verify`
// reads it) and Auth0 credentials, from the stack's auth0:* config first, then AUTH0_* in the environment.
// The outputs are read without --show-secrets (a SCIM token shows as "[secret]"); the config is read with it, for
// the credentials. Neither command prints what it read.
import {
    AUTH0_CONFIG_KEYS,
    AUTH0_ENV_VARS,
    type Auth0Credentials,
    Auth0CredentialsError,
    type ConfigLookup,
    resolveAuth0Credentials,
} from "../../components/clients/auth0Management";
import { type ConnectionOutput, type Exec, UsageError, execPulumi, readStackConnections } from "../verify/target";
import { ONBOARDING_SCOPES } from "../../components/self-service/onboardingApi";

export interface StackContext {
    connections: Record<string, ConnectionOutput>;
    credentials: Auth0Credentials;
    /** Where each credential setting came from, for the report (never the values). */
    credentialSource: "stack config" | "environment" | "stack config and environment";
}

/** `pulumi config --json --show-secrets` of the stack, as a lookup. The text holds secrets: parsed, never echoed. */
export async function readStackConfig(stack: string, exec: Exec = execPulumi): Promise<ConfigLookup & { keys(): string[] }> {
    let stdout: string;
    try {
        ({ stdout } = await exec("pulumi", ["config", "--json", "--show-secrets", "--stack", stack], 120_000));
    } catch (err) {
        const e = err as NodeJS.ErrnoException & { stderr?: string };
        if (e.code === "ENOENT") throw new UsageError("the Pulumi CLI (pulumi) was not found: install it, or run where it is on PATH");
        const detail = (e.stderr ?? "").trim().split("\n").slice(-2).join(" ").slice(0, 300);
        throw new UsageError(`pulumi config --stack ${stack} failed${detail ? `: ${detail}` : ""}`);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(stdout);
    } catch {
        throw new UsageError(`pulumi config --stack ${stack} did not print JSON`);
    }
    const entries = (parsed && typeof parsed === "object" ? parsed : {}) as Record<string, { value?: unknown }>;
    return {
        get: (key) => {
            const v = entries[key]?.value;
            return typeof v === "string" ? v : undefined;
        },
        keys: () => Object.keys(entries),
    };
}

/** Credentials as the stack's providers get them; an error names the settings and the scopes these commands need. */
export function credentialsFor(config: ConfigLookup & { keys(): string[] }, env: NodeJS.ProcessEnv): Pick<StackContext, "credentials" | "credentialSource"> {
    let credentials: Auth0Credentials;
    try {
        credentials = resolveAuth0Credentials(config, env);
    } catch (e) {
        if (e instanceof Auth0CredentialsError) {
            throw new UsageError(
                `${e.message.split(" Use a machine-to-machine")[0]} These commands need the Management API scopes ${Object.values(ONBOARDING_SCOPES).join(" ")}.`,
            );
        }
        throw e;
    }
    const fields = Object.keys(AUTH0_CONFIG_KEYS) as (keyof typeof AUTH0_CONFIG_KEYS)[];
    const fromConfig = fields.some((f) => config.get(AUTH0_CONFIG_KEYS[f]) !== undefined);
    const fromEnv = fields.some((f) => config.get(AUTH0_CONFIG_KEYS[f]) === undefined && env[AUTH0_ENV_VARS[f]]);
    const credentialSource = fromConfig && fromEnv ? "stack config and environment" : fromConfig ? "stack config" : "environment";
    return { credentials, credentialSource };
}

/** Outputs and credentials of `stack`. */
export async function readStackContext(stack: string, env: NodeJS.ProcessEnv, exec: Exec = execPulumi): Promise<StackContext> {
    // Without --show-secrets: neither command needs a SCIM token, so none is decrypted into this process.
    const connections = await readStackConnections(stack, exec, "pulumi", false);
    const config = await readStackConfig(stack, exec);
    return { connections, ...credentialsFor(config, env) };
}
