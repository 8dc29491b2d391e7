// Where the check's targets come from: the stack's `connections` output (read with the Pulumi CLI),
// or flags and the environment for a pipeline or an admin without the stack.
import { execFile } from "node:child_process";
import type * as pulumi from "@pulumi/pulumi";
import type { ScimConnectionOutputs } from "../../components/scimConnection";
import { parseTenantUrl } from "./dialect";
import type { ConnectionTarget } from "./report";

/** A bad invocation or unreadable outputs: exit code 2, and a message that never holds a secret. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/**
 * One entry of the stack's `connections` output as `pulumi stack output --json` prints it: the program's
 * ScimConnectionOutputs with every Output resolved (a secret such as the SCIM token reads "[secret]" without
 * --show-secrets). Every field may be missing: a stack deployed by an older version lacks the newer ones.
 */
export type ConnectionOutput = Partial<pulumi.Unwrap<ScimConnectionOutputs>>;

/** Connections verify cannot check from the stack's outputs alone, with why (printed, never silently dropped). */
export function selfServiceConnections(connections: Record<string, ConnectionOutput>): string[] {
    return Object.keys(connections)
        .filter((name) => connections[name]?.selfService !== undefined && connections[name]?.selfService !== null)
        .sort();
}

/** Why a self-service connection is not checked from the stack, and how to check it anyway. */
export function selfServiceReason(name: string): string {
    return (
        `connection ${name} is a self-service connection: its SCIM token was made by the customer's admin in Auth0's hosted flow and is not a stack output. ` +
        "Check it with --scim-url and SCIM_TOKEN=<a token the customer gives you>, or see `npm run status` for its provisioning state."
    );
}

export interface Target {
    target: ConnectionTarget;
    token: string;
    expectProvisioningOff?: boolean;
}

export type Exec = (file: string, args: string[], timeoutMs: number) => Promise<{ stdout: string; stderr: string }>;

export const execPulumi: Exec = (file, args, timeoutMs) =>
    new Promise((resolve, reject) => {
        execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
            if (err) reject(Object.assign(err, { stderr: String(stderr) }));
            else resolve({ stdout: String(stdout), stderr: String(stderr) });
        });
    });

function stringOrUndefined(v: unknown): string | undefined {
    return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Reads the stack's outputs. With `showSecrets` (verify, which needs the SCIM token) the stdout holds secrets: it is
 * parsed, never echoed; without, the CLI prints each secret as "[secret]" and nothing is decrypted.
 */
export async function readStackConnections(
    stack: string,
    exec: Exec = execPulumi,
    pulumiBin = "pulumi",
    showSecrets = true,
): Promise<Record<string, ConnectionOutput>> {
    let stdout: string;
    try {
        ({ stdout } = await exec(pulumiBin, ["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : []), "--stack", stack], 120_000));
    } catch (err) {
        const e = err as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
        if (e.code === "ENOENT") {
            throw new UsageError(`the Pulumi CLI (${pulumiBin}) was not found: install it, or run without --stack using --scim-url and SCIM_TOKEN`);
        }
        if (e.killed) throw new UsageError(`pulumi stack output --stack ${stack} did not finish within 120 s`);
        const detail = (e.stderr ?? "").trim().split("\n").slice(-3).join(" ").slice(0, 500);
        throw new UsageError(`pulumi stack output --stack ${stack} failed${detail ? `: ${detail}` : ""}`);
    }
    let outputs: unknown;
    try {
        outputs = JSON.parse(stdout);
    } catch {
        throw new UsageError(`pulumi stack output --stack ${stack} did not print JSON`);
    }
    const connections = (outputs as { connections?: unknown } | null)?.connections;
    if (!connections || typeof connections !== "object" || Array.isArray(connections)) {
        throw new UsageError(`stack ${stack} has no "connections" output: run pulumi up first (the output is an object keyed by connection name)`);
    }
    return connections as Record<string, ConnectionOutput>;
}

/** Targets from the stack's outputs, all connections or the one named. */
export function targetsFromStack(stack: string, connections: Record<string, ConnectionOutput>, only?: string): Target[] {
    const names = Object.keys(connections).sort();
    if (only !== undefined && !names.includes(only)) {
        throw new UsageError(`stack ${stack} has no connection "${only}"; it has: ${names.join(", ") || "none"}`);
    }
    const selfService = selfServiceConnections(connections);
    if (only !== undefined && selfService.includes(only)) throw new UsageError(selfServiceReason(only));
    const checked = (only ? [only] : names).filter((name) => !selfService.includes(name));
    if (checked.length === 0) throw new UsageError(`stack ${stack} has only self-service connections: ${selfServiceReason(selfService.join(", "))}`);
    const targets: Target[] = [];
    for (const name of checked) {
        const c = connections[name] ?? {};
        const token = stringOrUndefined(c.scimToken);
        const tenantUrl = stringOrUndefined(c.entraTenantUrl);
        const scimUrl = stringOrUndefined(c.scimEndpointUrl) ?? (tenantUrl ? parseTenantUrl(tenantUrl).scimUrl : undefined);
        if (!token)
            throw new UsageError(
                `connection ${name}: the stack output has no scimToken (read with --show-secrets; run pulumi up if the token was never issued)`,
            );
        if (!scimUrl) throw new UsageError(`connection ${name}: the stack output has no scimEndpointUrl`);
        // The dialect is what Entra is given: the tenant URL; without one, assume Entra gets the stack's default flag.
        const dialect = parseTenantUrl(tenantUrl ?? scimUrl).dialect;
        targets.push({
            token,
            expectProvisioningOff: c.provisioningEnabled === false,
            target: {
                source: "stack",
                stack,
                connection: name,
                scimEndpointUrl: parseTenantUrl(scimUrl).scimUrl,
                ...(tenantUrl ? { entraTenantUrl: tenantUrl } : {}),
                dialect,
                tokenScopes: Array.isArray(c.scimTokenScopes) ? c.scimTokenScopes.filter((s): s is string => typeof s === "string") : null,
                ...(stringOrUndefined(c.entraServicePrincipalId) ? { entraServicePrincipalId: c.entraServicePrincipalId } : {}),
                ...(stringOrUndefined(c.synchronizationJobId) ? { synchronizationJobId: c.synchronizationJobId } : {}),
                ...(stringOrUndefined(c.entraTenantId) ? { entraTenantId: c.entraTenantId } : {}),
            },
        });
    }
    return targets;
}

export interface FlagInputs {
    scimUrl: string;
    token: string | undefined;
    connection?: string;
    scopes?: string;
    servicePrincipalId?: string;
    jobId?: string;
    tenantId?: string;
}

/** The same checks without the Pulumi CLI: the URL Entra is given (its flags select the dialect), token from SCIM_TOKEN. */
export function targetFromFlags(f: FlagInputs): Target {
    if (!f.token) throw new UsageError("SCIM_TOKEN is not set: put the SCIM token in the environment (never on the command line)");
    let parsed: ReturnType<typeof parseTenantUrl>;
    try {
        parsed = parseTenantUrl(f.scimUrl);
    } catch {
        throw new UsageError(`--scim-url is not a URL: ${f.scimUrl}`);
    }
    if ((f.servicePrincipalId === undefined) !== (f.jobId === undefined)) {
        throw new UsageError("--service-principal-id and --job-id go together");
    }
    return {
        token: f.token,
        target: {
            source: "flags",
            ...(f.connection ? { connection: f.connection } : {}),
            scimEndpointUrl: parsed.scimUrl,
            entraTenantUrl: f.scimUrl,
            dialect: parsed.dialect,
            tokenScopes: f.scopes === undefined ? null : f.scopes.split(/[\s,]+/).filter(Boolean),
            ...(f.servicePrincipalId ? { entraServicePrincipalId: f.servicePrincipalId } : {}),
            ...(f.jobId ? { synchronizationJobId: f.jobId } : {}),
            ...(f.tenantId ? { entraTenantId: f.tenantId } : {}),
        },
    };
}
