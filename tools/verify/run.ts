// One verification run per connection: transport and endpoint, the conversation (users, groups in the
// middle), scopes, cleanup (always, in a finally), then the Entra side through Graph.
import { type Clock, DEFAULT_LIMITS, type FetchLike, type RequestLimits, ScimClient, realClock } from "./http";
import { Redactor } from "./redact";
import type { CheckResult, ConnectionReport, ConnectionTarget } from "./report";
import { type Created, type RunContext, TEST_PREFIX, emptyCreated, newRunId, result } from "./checks/common";
import { checkEndpoint, checkTransport } from "./checks/endpoint";
import { checkDialect } from "./checks/tenantUrl";
import { USER_CHECKS, userConversation } from "./checks/users";
import { GROUP_CHECKS, groupConversation, skipGroups, testGroupName } from "./checks/groups";
import { checkScopes } from "./checks/scopes";
import { cleanup } from "./checks/cleanup";
import { CountingGraph, ENTRA_CHECKS, entraChecks } from "./checks/entra";
import { GraphClient } from "../../components/clients/graph";

export interface VerifyOptions {
    limits: RequestLimits;
    /** Plain HTTP to 127.0.0.1/::1/localhost (tests only). */
    allowInsecureLoopback: boolean;
    /** A tenant URL without ?aadOptscim062020 (Entra's 2017 dialect) passes the dialect check. */
    allowScim2017: boolean;
    /** Run the group conversation although the token's scopes are unknown. */
    forceGroups: boolean;
    /** Delete objects named with the test prefix left by earlier runs. */
    deleteLeftovers: boolean;
    provisionOnDemandUserId?: string;
    expectProvisioningOff?: boolean;
    /** Graph client for the Entra checks; default: built from the environment, ARM_* as the azuread provider reads them (components/clients/graph.ts); null: --no-entra. */
    graph?: GraphClient | null;
    clock?: Clock;
    fetch?: FetchLike;
    onCheck?: (c: CheckResult) => void;
    /** Polled between steps: Ctrl-C stops the checks, cleanup still runs. */
    interrupted?: () => boolean;
    /** Given the run's live record of the test objects it created, for a second Ctrl-C to name. */
    trackCreated?: (created: Created) => void;
    runId?: string;
}

export const DEFAULT_OPTIONS: VerifyOptions = {
    limits: DEFAULT_LIMITS,
    allowInsecureLoopback: false,
    allowScim2017: false,
    forceGroups: false,
    deleteLeftovers: false,
};

/** Stable order of checks in the report, whatever order they finished in. */
const ORDER = [
    "endpoint.https",
    "endpoint.dialect",
    "endpoint.reachable",
    "endpoint.content-type",
    "endpoint.token-accepted",
    "endpoint.wrong-token-refused",
    "users.absent-lookup",
    "users.create",
    "users.lookup-by-username",
    "users.get-by-id",
    "users.patch-work-email",
    "users.patch-name",
    ...GROUP_CHECKS.map(([id]) => id),
    "users.disable",
    "users.delete",
    "users.gone",
    "users.interrupted",
    "scopes.users",
    "scopes.groups",
    "cleanup.this-run",
    "cleanup.leftovers",
    ...ENTRA_CHECKS.map(([id]) => id),
    "run.internal-error",
];

/** Never redacted, even when a token happens to be part of one: pipelines key on them. */
export const FIXED_CHECK_IDS: readonly string[] = ORDER;

/** The ids every connection report holds (plus users.interrupted / run.internal-error when those happen). */
export const CHECK_IDS: readonly string[] = ORDER.filter((id) => id !== "users.interrupted" && id !== "run.internal-error");

function ordered(checks: CheckResult[]): CheckResult[] {
    const rank = (id: string) => (ORDER.indexOf(id) < 0 ? ORDER.length : ORDER.indexOf(id));
    return [...checks].sort((a, b) => rank(a.id) - rank(b.id));
}

function groupsWanted(scopes: string[] | null, force: boolean): { run: boolean; reason?: string } {
    if (scopes === null) return force ? { run: true } : { run: false, reason: "token scopes unknown" };
    return scopes.some((s) => s.endsWith(":groups")) || force
        ? { run: true }
        : { run: false, reason: "the token has no group scopes (groups are not provisioned)" };
}

export async function verifyConnection(target: ConnectionTarget, token: string, options: VerifyOptions): Promise<ConnectionReport> {
    const clock = options.clock ?? realClock;
    const t0 = clock.now();
    const redactor = new Redactor([token], FIXED_CHECK_IDS);
    const client = new ScimClient(target.scimEndpointUrl, token, options.limits, redactor, clock, options.fetch);
    const checks: CheckResult[] = [];
    const ctx: RunContext = {
        client,
        dialect: target.dialect,
        scopes: target.tokenScopes,
        runId: options.runId ?? newRunId(new Date(clock.now())),
        created: emptyCreated(),
        deniedScopes: new Map(),
        workedScopes: new Set(),
        interrupted: options.interrupted ?? (() => false),
        record(r: CheckResult) {
            const safe = redactor.applyDeep(r);
            checks.push(safe);
            options.onCheck?.(safe);
        },
    };
    options.trackCreated?.(ctx.created);
    const groups = groupsWanted(target.tokenScopes, options.forceGroups);
    const ownUsers: string[] = [];
    const ownGroups = groups.run ? [testGroupName(ctx.runId)] : [];
    let usable = false;
    let unusableWhy: string | undefined;
    let cleanupReport: ConnectionReport["cleanup"];
    try {
        const transport = checkTransport(ctx, target.scimEndpointUrl, options.allowInsecureLoopback);
        checkDialect(ctx, target, options.allowScim2017);
        if (transport.allowed) {
            ({ usable, why: unusableWhy } = await checkEndpoint(ctx));
        } else {
            unusableWhy = "nothing was sent (see endpoint.https)";
        }
        if (usable) {
            const conv = await userConversation(ctx, async (userId) => {
                if (!groups.run) {
                    skipGroups(ctx, groups.reason!, target.tokenScopes === null ? "pass --scopes (or --groups) to include the group conversation" : undefined);
                } else {
                    await groupConversation(ctx, userId);
                }
            });
            ownUsers.push(conv.user.userName);
            checkScopes(ctx, groups.run);
        } else {
            const why = "the endpoint is not usable (see the endpoint checks)";
            for (const [id, title] of USER_CHECKS) ctx.record(result(id, "users", title, "skip", why));
            skipGroups(ctx, why);
            checkScopes(ctx, false);
        }
    } catch (err) {
        ctx.record(
            result("run.internal-error", "cleanup", "Unexpected error", "fail", `the check itself failed: ${(err as Error).message}`, {
                hint: "this is a bug in the check; cleanup still ran. Please report it with the --json output",
            }),
        );
    } finally {
        try {
            cleanupReport = await cleanup(
                ctx,
                { deleteLeftovers: options.deleteLeftovers, groups: groups.run, endpointUsable: usable, unusableWhy },
                ownUsers,
                ownGroups,
            );
        } catch (err) {
            ctx.record(
                result("run.internal-error", "cleanup", "Unexpected error", "fail", `cleanup itself failed: ${(err as Error).message}`, {
                    hint: `look for users and groups named ${TEST_PREFIX}* in the Auth0 dashboard; please report this with the --json output`,
                }),
            );
            cleanupReport = { testPrefix: TEST_PREFIX, deleted: [], leftovers: [], listing: "failed", note: "cleanup failed" };
        }
    }

    let graphCount = 0;
    if (options.graph === null) {
        for (const [id, title] of ENTRA_CHECKS) ctx.record(result(id, "entra", title, "skip", "not run: --no-entra"));
    } else if (!ctx.interrupted()) {
        let graph: CountingGraph | undefined;
        if (target.entraServicePrincipalId && target.synchronizationJobId) {
            graph = new CountingGraph(
                options.graph ??
                    new GraphClient({
                        ...(target.entraTenantId ? { tenantId: target.entraTenantId } : {}),
                        timeoutMs: Math.min(options.limits.timeoutMs, 30_000),
                        maxRetries: 2,
                        maxDelayMs: 10_000,
                        sleep: (ms) => clock.sleep(ms),
                    }),
            );
        }
        await entraChecks(ctx, target, graph, redactor, {
            provisionOnDemandUserId: options.provisionOnDemandUserId,
            expectProvisioningOff: options.expectProvisioningOff,
        });
        graphCount = graph?.count ?? 0;
    }

    // Every report lists every check: what was not reached (interrupted) is a skip, so pipelines can key on ids.
    const titles = new Map<string, [string, CheckResult["group"]]>([
        ...USER_CHECKS.map(([id, t]): [string, [string, CheckResult["group"]]] => [id, [t, "users"]]),
        ...GROUP_CHECKS.map(([id, t]): [string, [string, CheckResult["group"]]] => [id, [t, "groups"]]),
        ...ENTRA_CHECKS.map(([id, t]): [string, [string, CheckResult["group"]]] => [id, [t, "entra"]]),
    ]);
    for (const [id, [t, group]] of titles) {
        if (!checks.some((c) => c.id === id)) checks.push(result(id, group, t, "skip", "not reached: the run was interrupted"));
    }

    return redactor.applyDeep({
        target,
        checks: ordered(checks),
        cleanup: cleanupReport,
        requests: { scim: client.requestCount, scimLimit: options.limits.maxRequests + options.limits.cleanupReserve, graph: graphCount, log: client.log },
        durationMs: Math.round(clock.now() - t0),
    });
}
