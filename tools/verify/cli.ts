// npm run verify -- --stack NAME [--connection NAME] [--json]
// npm run verify -- --scim-url URL [--scopes "..."] [--service-principal-id ID --job-id ID]   (token in SCIM_TOKEN)
// Exit codes: 0 every non-skipped check passed; 1 a check failed; 2 usage or unreadable stack outputs; 3 internal error;
// 130 interrupted by Ctrl-C (after cleanup).
import { accessSync, constants, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { GraphClient } from "../../components/clients/graph";
import { AUTH0_SCIM_RATE_LIMIT, DEFAULT_LIMITS, type RequestLimits } from "./http";
import { Redactor } from "./redact";
import type { Created } from "./checks/common";
import { Interrupt } from "./interrupt";
import { ERASE_LINE, type Progress, type ProgressIo, progressFor } from "./progress";
import { type VerifyReport, renderTable } from "./report";
import { FIXED_CHECK_IDS, DEFAULT_OPTIONS, verifyConnection } from "./run";
import {
    type Exec,
    type Target,
    UsageError,
    execPulumi,
    readStackConnections,
    selfServiceConnections,
    selfServiceReason,
    targetFromFlags,
    targetsFromStack,
} from "./target";
import { buildReport } from "./report";

export const USAGE = `Usage:
  npm run verify -- --stack NAME [--connection NAME] [options]
  SCIM_TOKEN=... npm run verify -- --scim-url URL [--scopes "get:users post:users ..."] [options]

Checks that Entra ID's provisioning into Auth0 will work: the SCIM endpoint, the conversation Entra
has with it (in the dialect the tenant URL selects), the token's scopes, and (when the stack manages
the Entra app, or with --service-principal-id and --job-id) the provisioning job through Microsoft Graph.
Test users and groups are named auth0-entra-scim-verify-* and deleted again.

Options:
  --stack NAME                 read the connections from \`pulumi stack output --json --show-secrets\`
  --connection NAME            only this connection (default: all the stack has)
  --scim-url URL               without the stack: the tenant URL Entra is given (?aadOptscim062020 selects the dialect)
  --allow-scim2017             a tenant URL without ?aadOptscim062020 (Entra's 2017 dialect) is intended: do not fail on it
  --scopes LIST                the token's scopes, space or comma separated (without the stack)
  --service-principal-id ID    Entra service principal object id (without the stack)
  --job-id ID                  synchronization job id (without the stack)
  --tenant-id ID               Entra tenant for the Graph token (default ARM_TENANT_ID, as the azuread provider)
  --provision-on-demand ID     also provision this real, assigned Entra user on demand (it stays in Auth0)
  --groups                     run the group conversation although the token's scopes are unknown
  --no-entra                   skip the Microsoft Graph checks
  --expect-provisioning-off    a paused provisioning job is intended
  --delete-leftovers           delete auth0-entra-scim-verify-* objects left by earlier runs (the report names them)
  --json                       print the report as JSON (reportVersion 1) and nothing else on stdout
                               (through npm: npm run -s verify -- ... --json | jq ..., -s keeps npm's banner off stdout)
  --output FILE                write the report (JSON with --json, else the table) to FILE instead of stdout
  --timeout-ms N               per request (default ${DEFAULT_LIMITS.timeoutMs})
  --max-requests N             SCIM requests for the checks, per connection (default ${DEFAULT_LIMITS.maxRequests}; cleanup has ${DEFAULT_LIMITS.cleanupReserve} more)
  --max-duration-s N           per connection (default ${DEFAULT_LIMITS.maxDurationMs / 1000}; cleanup has ${DEFAULT_LIMITS.cleanupGraceMs / 1000} s more)
  --rate N                     SCIM requests per second (default ${DEFAULT_LIMITS.requestsPerSecond}, at most ${AUTH0_SCIM_RATE_LIMIT})
  --allow-insecure-loopback    allow plain http:// to 127.0.0.1 / localhost (tests only)
  --help

Exit codes: 0 all non-skipped checks passed, 1 a check failed, 2 usage error or unreadable stack outputs, 3 internal error,
130 interrupted (Ctrl-C: cleanup ran; a second Ctrl-C quits at once and names what was left).`;

export interface CliIo extends ProgressIo {
    stdout: (text: string) => void;
    env: NodeJS.ProcessEnv;
    exec?: Exec;
    /** Graph client for tests; default built from the environment (ARM_*) by components/clients/graph.ts. */
    graph?: GraphClient;
    /** Set by the SIGINT handler. */
    interrupted?: () => boolean;
    /** Receives each run's live record of its test objects (for a second Ctrl-C to name). */
    trackCreated?: (created: Created) => void;
}

function positiveInt(name: string, v: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive integer, got ${v}`);
    if (n > max) throw new UsageError(`${name} must be at most ${max}`);
    return n;
}

/** The --output path, refused before any request when its folder does not exist or cannot be written. */
function checkOutputFile(file: string): string {
    if (file === "") throw new UsageError("--output needs a file name");
    try {
        accessSync(dirname(resolve(file)), constants.W_OK);
    } catch {
        throw new UsageError(`--output ${file}: the folder ${dirname(resolve(file))} does not exist or cannot be written`);
    }
    return file;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    const secrets = new Redactor([io.env.SCIM_TOKEN], FIXED_CHECK_IDS);
    let json = false;
    let progress: Progress | undefined;
    try {
        const { values } = parseArgs({
            args: argv,
            strict: true,
            allowPositionals: false,
            options: {
                stack: { type: "string" },
                connection: { type: "string" },
                "scim-url": { type: "string" },
                scopes: { type: "string" },
                "service-principal-id": { type: "string" },
                "job-id": { type: "string" },
                "tenant-id": { type: "string" },
                "provision-on-demand": { type: "string" },
                groups: { type: "boolean", default: false },
                "no-entra": { type: "boolean", default: false },
                "expect-provisioning-off": { type: "boolean", default: false },
                "delete-leftovers": { type: "boolean", default: false },
                json: { type: "boolean", default: false },
                output: { type: "string" },
                "timeout-ms": { type: "string" },
                "max-requests": { type: "string" },
                "max-duration-s": { type: "string" },
                rate: { type: "string" },
                "allow-insecure-loopback": { type: "boolean", default: false },
                "allow-scim2017": { type: "boolean", default: false },
                help: { type: "boolean", default: false },
            },
        });
        json = values.json ?? false;
        if (values.help) {
            io.stdout(USAGE);
            return 0;
        }
        if (!values.stack === !values["scim-url"]) throw new UsageError("give either --stack NAME or --scim-url URL (with SCIM_TOKEN set)");
        if (values.stack && (values.scopes || values["service-principal-id"] || values["job-id"] || values["tenant-id"])) {
            throw new UsageError("--scopes, --service-principal-id, --job-id and --tenant-id are read from the stack's outputs with --stack");
        }
        const output = values.output === undefined ? undefined : checkOutputFile(values.output);
        const limits: RequestLimits = {
            ...DEFAULT_LIMITS,
            timeoutMs: positiveInt("--timeout-ms", values["timeout-ms"], DEFAULT_LIMITS.timeoutMs),
            maxRequests: positiveInt("--max-requests", values["max-requests"], DEFAULT_LIMITS.maxRequests, 1000),
            maxDurationMs: positiveInt("--max-duration-s", values["max-duration-s"], DEFAULT_LIMITS.maxDurationMs / 1000, 3600) * 1000,
            requestsPerSecond: positiveInt("--rate", values.rate, DEFAULT_LIMITS.requestsPerSecond, AUTH0_SCIM_RATE_LIMIT),
        };

        let targets: Target[];
        if (values.stack) {
            const connections = await readStackConnections(values.stack, io.exec ?? execPulumi);
            targets = targetsFromStack(values.stack, connections, values.connection);
            if (!values.connection) for (const name of selfServiceConnections(connections)) io.stderr(`verify: skipped ${selfServiceReason(name)}`);
        } else {
            targets = [
                targetFromFlags({
                    scimUrl: values["scim-url"]!,
                    token: io.env.SCIM_TOKEN,
                    connection: values.connection,
                    scopes: values.scopes,
                    servicePrincipalId: values["service-principal-id"],
                    jobId: values["job-id"],
                    tenantId: values["tenant-id"],
                }),
            ];
        }
        for (const t of targets) secrets.add(t.token);

        const started = new Date();
        const t0 = Date.now();
        const reports = [];
        progress = json ? undefined : progressFor(io, (text) => secrets.apply(text));
        for (const t of targets) {
            progress?.start(`${t.target.connection ? `connection ${t.target.connection}` : t.target.scimEndpointUrl} (${t.target.dialect} dialect)`);
            const report = await verifyConnection(t.target, t.token, {
                ...DEFAULT_OPTIONS,
                limits,
                allowInsecureLoopback: values["allow-insecure-loopback"] ?? false,
                allowScim2017: values["allow-scim2017"] ?? false,
                forceGroups: values.groups ?? false,
                deleteLeftovers: values["delete-leftovers"] ?? false,
                provisionOnDemandUserId: values["provision-on-demand"],
                expectProvisioningOff: (values["expect-provisioning-off"] ?? false) || (t.expectProvisioningOff ?? false),
                graph: values["no-entra"] ? null : io.graph,
                onCheck: progress?.check,
                interrupted: io.interrupted,
                trackCreated: io.trackCreated,
            });
            progress?.done(report);
            reports.push(report);
            if (io.interrupted?.()) break;
        }
        progress?.clear();
        // Every token of the run, in every connection's report (each run redacted its own already).
        const report: VerifyReport = secrets.applyDeep(buildReport(started, Date.now() - t0, reports, io.interrupted?.() ?? false));
        const text = json ? JSON.stringify(report, null, 2) : renderTable(report);
        if (output) {
            writeFileSync(output, `${text}\n`);
            io.stderr(`verify: report written to ${output} (${renderTable(report).split("\n").at(-1)})`);
        } else {
            io.stdout(text);
        }
        return report.exitCode;
    } catch (err) {
        progress?.clear();
        const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
        const message = secrets.apply((err as Error).message);
        if (json) {
            io.stdout(JSON.stringify({ reportVersion: 1, tool: "auth0-entra-scim verify", error: message, exitCode: usage ? 2 : 3 }, null, 2));
        } else {
            io.stderr(`verify: ${message}${usage ? `\n\n${USAGE}` : ""}`);
        }
        return usage ? 2 : 3;
    }
}

if (require.main === module) {
    // On a terminal the status line is erased first, so the message is not glued to it.
    const line = (t: string) => process.stderr.write(`${process.stderr.isTTY ? ERASE_LINE : ""}${t}\n`);
    const interrupt = new Interrupt({ stderr: line, exit: (code) => process.exit(code) });
    process.on("SIGINT", () => interrupt.onSignal());
    main(process.argv.slice(2), {
        stdout: (t) => process.stdout.write(`${t}\n`),
        stderr: (t) => process.stderr.write(`${t}\n`),
        stderrRaw: (t) => process.stderr.write(t),
        isTTY: process.stderr.isTTY,
        columns: process.stderr.columns,
        env: process.env,
        interrupted: interrupt.interrupted,
        trackCreated: interrupt.track,
    }).then((code) => {
        process.exitCode = code;
    });
}
