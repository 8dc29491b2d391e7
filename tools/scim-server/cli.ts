// npm run scim-server [-- --leak-on-delete ...]: a local SCIM 2.0 server shaped like Auth0's connection endpoint,
// on 127.0.0.1 only, so that `npm run verify` can be seen passing and failing without any tenant or credentials.
// Needs the dev dependencies (scimmy, scimmy-routers, express): `npm ci` installs them.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { GROUP_TOKEN_SCOPES, USER_TOKEN_SCOPES } from "../../components/config";
import { type ScimMisbehaviour, ScimTestServer } from "./server";

/** Flags that switch one misbehaviour on, with what the server then gets wrong (ScimMisbehaviour's docs). */
const SWITCHES: Array<[flag: string, key: keyof ScimMisbehaviour, what: string]> = [
    ["accept-any-token", "acceptAnyToken", "accepts any bearer token (fails endpoint.wrong-token-refused)"],
    ["ignore-filters", "ignoreFilters", "answers every list request with every user (fails users.absent-lookup)"],
    ["patch-fails-500", "patchFails500", "fails every PATCH with 500 (fails users.disable and the other PATCH checks)"],
    ["reject-lowercase-ops", "rejectLowercaseOps", 'rejects "replace"/"add"/"remove" (fails the ?aadOptscim062020 dialect)'],
    ["reject-string-booleans", "rejectStringBooleans", 'rejects "False" for active (fails the 2017 dialect\'s disable)'],
    ["leak-on-delete", "leakOnDelete", "answers DELETE with 204 and keeps the user (fails users.gone, leaves leftovers)"],
    ["echo-authorization", "echoAuthorization", "echoes the Authorization header in errors (verify must redact it)"],
    ["reject-sw-filter", "rejectStartsWithFilter", 'refuses "sw" filters (partial leftover listing)'],
    ["plain-json", "plainJsonContentType", "answers application/json (fails endpoint.content-type)"],
];

/** What the server's token may do when --scopes is not given: everything Entra needs for users and groups. */
const ALL_SCOPES = [...USER_TOKEN_SCOPES, ...GROUP_TOKEN_SCOPES];

export const USAGE = `Usage: npm run scim-server [-- options]

Serves a SCIM 2.0 endpoint shaped like an Auth0 connection's on 127.0.0.1 until Ctrl-C, and prints the
verify command to run against it. Needs the dev dependencies (npm ci). Misbehaviours, each off by default:
${SWITCHES.map(([flag, , what]) => `  --${flag.padEnd(24)} ${what}`).join("\n")}
  --throttle N               answer the next N requests with 429 (sustained rate limiting)
  --retry-after S            the Retry-After (seconds) sent with those 429s (default 0)
  --slow-ms N                delay every answer by N ms (try verify --timeout-ms below it)
Other options:
  --scopes LIST              the token's scopes, space or comma separated (default: all users and groups scopes)
  --port N                   loopback port (default: a free one)
  --help`;

export interface ScimServerCli {
    server: ScimTestServer;
    token: string;
    /** The lines to print: where it listens, what it gets wrong, and the verify command. */
    banner: string[];
}

function nonNegativeInt(name: string, v: string | undefined): number | undefined {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${v}`);
    return n;
}

/** Parses the flags and starts the server; throws on a bad flag. */
export async function startFromArgs(argv: string[]): Promise<ScimServerCli | undefined> {
    const { values } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: {
            ...Object.fromEntries(SWITCHES.map(([flag]) => [flag, { type: "boolean" as const, default: false }])),
            throttle: { type: "string" },
            "retry-after": { type: "string" },
            "slow-ms": { type: "string" },
            scopes: { type: "string" },
            port: { type: "string" },
            help: { type: "boolean", default: false },
        },
    });
    if (values.help) return undefined;
    const misbehaviour: ScimMisbehaviour = {};
    for (const [flag, key] of SWITCHES) if ((values as Record<string, unknown>)[flag]) (misbehaviour as Record<string, unknown>)[key] = true;
    const throttle = nonNegativeInt("throttle", values.throttle);
    if (throttle) misbehaviour.throttleFirst = throttle;
    const retryAfter = nonNegativeInt("retry-after", values["retry-after"]);
    if (retryAfter !== undefined) misbehaviour.retryAfterSeconds = retryAfter;
    const slowMs = nonNegativeInt("slow-ms", values["slow-ms"]);
    if (slowMs) misbehaviour.slowMs = slowMs;
    const scopes = typeof values.scopes === "string" ? values.scopes.split(/[\s,]+/).filter(Boolean) : undefined;

    // A fresh throwaway token per start, in Auth0's shape; it guards nothing but this local server.
    const token = `tok_local${randomBytes(4).toString("hex")}.${randomBytes(24).toString("hex")}`;
    const server = await ScimTestServer.start({
        token,
        ...(scopes ? { scopes } : {}),
        connectionId: "con_localScimServer",
        port: nonNegativeInt("port", values.port) ?? 0,
        lifetimeMs: 0,
        maxRequests: 0,
    });
    server.misbehave(misbehaviour);
    const on = SWITCHES.filter(([, key]) => misbehaviour[key]).map(([flag]) => `--${flag}`);
    if (throttle) on.push(`--throttle ${throttle}${retryAfter !== undefined ? ` --retry-after ${retryAfter}` : ""}`);
    if (slowMs) on.push(`--slow-ms ${slowMs}`);
    const banner = [
        `SCIM server on ${server.url} (127.0.0.1 only; Ctrl-C to stop)`,
        `Misbehaviour: ${on.length ? on.join(" ") : "none (verify should pass)"}`,
        "",
        "In another terminal, from this folder:",
        `  export SCIM_TOKEN=${token}`,
        `  npm run verify -- --scim-url '${server.url}?aadOptscim062020' --allow-insecure-loopback --scopes "${(scopes ?? ALL_SCOPES).join(" ")}"`,
    ];
    return { server, token, banner };
}

if (require.main === module) {
    startFromArgs(process.argv.slice(2)).then(
        (started) => {
            if (!started) {
                process.stdout.write(`${USAGE}\n`);
                return;
            }
            process.stdout.write(`${started.banner.join("\n")}\n`);
            process.once("SIGINT", () => {
                process.stderr.write("scim-server: stopping\n");
                void started.server.close().then(() => process.exit(0));
            });
        },
        (err: Error & { code?: string }) => {
            process.stderr.write(`scim-server: ${err.message}\n\n${USAGE}\n`);
            process.exitCode = 2;
        },
    );
}
