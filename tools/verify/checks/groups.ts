// Check 2 (groups): create, add the test user, remove it, delete, as Entra does when group provisioning is on.
import * as dialect from "../dialect";
import {
    type Outcome,
    type RunContext,
    TEST_PREFIX,
    type Tracked,
    asListResponse,
    describeFailure,
    genericHint,
    is2xx,
    newExternalId,
    noteScope,
    pathId,
    randomSuffix,
    result,
    send,
} from "./common";
import { patchAsEntra, patchFailureReason } from "./patch";
import { deleteAndConfirm } from "./users";

type Json = Record<string, unknown>;

export const GROUP_CHECKS: Array<[string, string]> = [
    ["groups.absent-lookup", "Lookup of an absent group returns 0 results"],
    ["groups.create", "POST /Groups creates the test group"],
    ["groups.lookup-by-name", "Lookup by displayName finds exactly the test group"],
    ["groups.add-member", "PATCH adds the test user as a member"],
    ["groups.remove-member", "PATCH removes the member"],
    ["groups.delete", "DELETE /Groups/{id}"],
    ["groups.gone", "404 after DELETE"],
];

const title = (id: string): string => GROUP_CHECKS.find(([k]) => k === id)![1];

export function testGroupName(runId: string): string {
    return `${TEST_PREFIX}${runId}-group`;
}

export function skipGroups(ctx: RunContext, reason: string, hint?: string): void {
    for (const [id, t] of GROUP_CHECKS) ctx.record(result(id, "groups", t, "skip", reason, { hint }));
}

async function lookupGroup(ctx: RunContext, displayName: string): Promise<Outcome> {
    const o = await send(ctx, "GET", "/Groups", { query: { excludedAttributes: "members", filter: dialect.filterEq("displayName", displayName) } });
    noteScope(ctx, o, "get:groups");
    return o;
}

/** Members as the server reports them; undefined when it does not return members (allowed by Microsoft's guide). */
async function membersOf(ctx: RunContext, path: string, evidence: string[]): Promise<string[] | undefined> {
    const got = await send(ctx, "GET", path);
    evidence.push(got.line);
    if (!is2xx(got)) return undefined;
    const members = (got.res.body as Json | undefined)?.members;
    return Array.isArray(members) ? (members as Json[]).map((m) => String(m.value)) : undefined;
}

/**
 * `sawMembers`: an earlier read returned a members list, so a read without one now means "no members"
 * (SCIM omits empty multi-valued attributes) rather than "this server does not return members".
 * Returns whether this read returned members.
 */
async function memberPatch(
    ctx: RunContext,
    checkId: string,
    path: string,
    req: dialect.PatchRequest,
    userId: string,
    wantMember: boolean,
    sawMembers = false,
): Promise<boolean> {
    const attempt = await patchAsEntra(ctx, path, req);
    noteScope(ctx, attempt.outcome, "patch:groups");
    if (!is2xx(attempt.outcome)) {
        ctx.record(
            result(checkId, "groups", title(checkId), "fail", patchFailureReason(attempt), {
                hint: attempt.diagnosis ? "Entra's member updates would fail the same way" : genericHint(attempt.outcome, "patch:groups"),
                evidence: attempt.evidence,
            }),
        );
        return false;
    }
    const evidence = [...attempt.evidence];
    const read = await membersOf(ctx, path, evidence);
    const members = read ?? (sawMembers ? [] : undefined);
    if (members === undefined) {
        ctx.record(
            result(
                checkId,
                "groups",
                title(checkId),
                "pass",
                `PATCH answered HTTP ${attempt.outcome.res.status}; the server does not return members, so membership was not read back`,
                { evidence },
            ),
        );
    } else if (members.includes(userId) === wantMember) {
        ctx.record(
            result(checkId, "groups", title(checkId), "pass", `PATCH answered HTTP ${attempt.outcome.res.status}; membership confirmed by GET`, { evidence }),
        );
    } else {
        ctx.record(
            result(
                checkId,
                "groups",
                title(checkId),
                "fail",
                `PATCH answered HTTP ${attempt.outcome.res.status} but the user is ${wantMember ? "not" : "still"} a member`,
                {
                    hint: "the endpoint accepts Entra's member update and drops it",
                    evidence,
                },
            ),
        );
    }
    return read !== undefined;
}

export async function groupConversation(ctx: RunContext, userId: string | undefined): Promise<void> {
    const displayName = testGroupName(ctx.runId);
    const absent = await lookupGroup(ctx, `${TEST_PREFIX}${ctx.runId}-absent-${randomSuffix()}`);
    const absentList = is2xx(absent) ? asListResponse(absent.res.body) : undefined;
    if (!is2xx(absent) || !absentList) {
        ctx.record(
            result(
                "groups.absent-lookup",
                "groups",
                title("groups.absent-lookup"),
                "fail",
                absentList || !is2xx(absent) ? describeFailure(absent) : `HTTP ${absent.res.status} without a SCIM ListResponse`,
                {
                    hint:
                        absent.ok && absent.res.status === 404
                            ? "the endpoint has no /Groups: SCIM groups in Auth0 are Early Access; turn group provisioning off in Entra"
                            : genericHint(absent, "get:groups"),
                    evidence: [absent.line],
                },
            ),
        );
    } else if (absentList.totalResults !== 0 || absentList.resources.length !== 0) {
        ctx.record(
            result(
                "groups.absent-lookup",
                "groups",
                title("groups.absent-lookup"),
                "fail",
                `a displayName filter for a group that does not exist returned ${absentList.totalResults} result(s): the server ignores the filter`,
                {
                    hint: 'Entra matches groups by this lookup: it must honour `filter=displayName eq "..."`',
                    evidence: [absent.line],
                },
            ),
        );
    } else {
        ctx.record(
            result("groups.absent-lookup", "groups", title("groups.absent-lookup"), "pass", "a filter for a random displayName returned 0 results", {
                evidence: [absent.line],
            }),
        );
    }

    if (ctx.interrupted()) return skipRemaining(ctx, "interrupted");
    ctx.created.unconfirmedGroups.push(displayName);
    const post = await send(ctx, "POST", "/Groups", { body: dialect.createGroupBody(newExternalId(), displayName) });
    noteScope(ctx, post, "post:groups");
    const body = (post.ok ? post.res.body : undefined) as Json | undefined;
    if (!is2xx(post) || typeof body?.id !== "string") {
        ctx.record(
            result(
                "groups.create",
                "groups",
                title("groups.create"),
                "fail",
                is2xx(post) ? `HTTP ${post.res.status} without the new group's id` : describeFailure(post),
                {
                    hint: genericHint(post, "post:groups"),
                    evidence: [post.line],
                },
            ),
        );
        return skipRemaining(ctx, "the test group was not created", ["groups.create"]);
    }
    const tracked: Tracked = { type: "Group", id: body.id, name: displayName, gone: false };
    ctx.created.groups.push(tracked);
    ctx.created.unconfirmedGroups = ctx.created.unconfirmedGroups.filter((n) => n !== displayName);
    ctx.record(
        result(
            "groups.create",
            "groups",
            title("groups.create"),
            post.res.status === 201 ? "pass" : "fail",
            post.res.status === 201 ? `created ${body.id}` : `created ${body.id} but answered ${post.res.status} instead of 201 Created`,
            { evidence: [post.line] },
        ),
    );

    const path = `/Groups/${pathId(body.id)}`;
    const found = await lookupGroup(ctx, displayName);
    const list = is2xx(found) ? asListResponse(found.res.body) : undefined;
    if (list && list.resources.length === 1 && list.resources[0].id === body.id) {
        ctx.record(result("groups.lookup-by-name", "groups", title("groups.lookup-by-name"), "pass", `1 result, id ${body.id}`, { evidence: [found.line] }));
    } else {
        ctx.record(
            result(
                "groups.lookup-by-name",
                "groups",
                title("groups.lookup-by-name"),
                "fail",
                list ? `expected exactly the test group, got ${list.totalResults} result(s)` : describeFailure(found),
                {
                    hint: genericHint(found, "get:groups"),
                    evidence: [found.line],
                },
            ),
        );
    }

    if (userId && !ctx.interrupted()) {
        const sawMembers = await memberPatch(ctx, "groups.add-member", path, dialect.addMember(ctx.dialect, userId), userId, true);
        await memberPatch(ctx, "groups.remove-member", path, dialect.removeMember(ctx.dialect, userId), userId, false, sawMembers);
    } else {
        const why = userId ? "interrupted" : "no test user to add (the user was not created)";
        ctx.record(result("groups.add-member", "groups", title("groups.add-member"), "skip", why));
        ctx.record(result("groups.remove-member", "groups", title("groups.remove-member"), "skip", why));
    }
    await deleteAndConfirm(ctx, tracked, "groups");
}

function skipRemaining(ctx: RunContext, reason: string, done: string[] = []): void {
    const recorded = new Set(["groups.absent-lookup", ...done]);
    for (const [id, t] of GROUP_CHECKS) if (!recorded.has(id)) ctx.record(result(id, "groups", t, "skip", reason));
}
