// Check 2 (users): the conversation Entra has about one user, from the lookup before creation to the 404
// after deletion, in the tenant URL's dialect. Groups run in the middle, while the user exists.
import * as dialect from "../dialect";
import type { TestUser } from "../dialect";
import {
    type Outcome,
    type RunContext,
    TEST_EMAIL_DOMAIN,
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
import { type PatchAttempt, patchAsEntra, patchFailureReason } from "./patch";

type Json = Record<string, unknown>;

export function testUser(runId: string): TestUser {
    const userName = `${TEST_PREFIX}${runId}@${TEST_EMAIL_DOMAIN}`;
    return { externalId: newExternalId(), userName, workEmail: userName, givenName: "Verify", familyName: `Run ${runId}` };
}

function workEmail(user: Json): string | undefined {
    const emails = Array.isArray(user.emails) ? (user.emails as Json[]) : [];
    const work = emails.find((e) => String(e.type ?? "").toLowerCase() === "work");
    return typeof work?.value === "string" ? work.value : undefined;
}

function nameOf(user: Json): { givenName?: unknown; familyName?: unknown; displayName?: unknown } {
    const name = (user.name ?? {}) as Json;
    return { givenName: name.givenName, familyName: name.familyName, displayName: user.displayName };
}

/** The user after a PATCH: from the PATCH's own 200 body when it holds the user, else from a GET. */
async function userAfter(ctx: RunContext, id: string, patched: Outcome, evidence: string[]): Promise<Json | undefined> {
    if (patched.ok && patched.res.status === 200) {
        const body = patched.res.body as Json | undefined;
        if (body && typeof body.userName === "string") return body;
    }
    if (!ctx.client.canSpend()) return undefined;
    const got = await send(ctx, "GET", `/Users/${pathId(id)}`);
    evidence.push(got.line);
    return is2xx(got) ? (got.res.body as Json | undefined) : undefined;
}

export const USER_CHECKS: Array<[string, string]> = [
    ["users.absent-lookup", "Lookup of an absent user returns 0 results"],
    ["users.create", "POST /Users creates the test user"],
    ["users.lookup-by-username", "Lookup by userName finds exactly the test user"],
    ["users.get-by-id", "GET /Users/{id} returns the test user"],
    ["users.patch-work-email", "PATCH of the work email (filtered path)"],
    ["users.patch-name", "PATCH of the name"],
    ["users.disable", "Disable via active false"],
    ["users.delete", "DELETE /Users/{id}"],
    ["users.gone", "404 after DELETE"],
];

const TITLES = {
    absent: "Lookup of an absent user returns 0 results",
    create: "POST /Users creates the test user",
    lookup: "Lookup by userName finds exactly the test user",
    get: "GET /Users/{id} returns the test user",
    email: "PATCH of the work email (filtered path)",
    name: "PATCH of the name",
    disable: "Disable via active false",
    del: "DELETE /Users/{id}",
    gone: "404 after DELETE",
};

/** A lookup by userName as Entra sends it; returns the outcome and the ListResponse, if it was one. */
async function lookup(ctx: RunContext, userName: string): Promise<{ o: Outcome; list?: ReturnType<typeof asListResponse> }> {
    const o = await send(ctx, "GET", "/Users", { query: { filter: dialect.filterEq("userName", userName) } });
    noteScope(ctx, o, "get:users");
    return { o, list: is2xx(o) ? asListResponse(o.res.body) : undefined };
}

function absentVerdict(ctx: RunContext, probes: Array<{ o: Outcome; list?: ReturnType<typeof asListResponse> }>): void {
    const evidence = probes.map((p) => p.o.line);
    for (const p of probes) {
        if (!is2xx(p.o)) {
            ctx.record(result("users.absent-lookup", "users", TITLES.absent, "fail", describeFailure(p.o), { hint: genericHint(p.o, "get:users"), evidence }));
            return;
        }
        if (!p.list) {
            ctx.record(
                result("users.absent-lookup", "users", TITLES.absent, "fail", `answered HTTP ${p.o.res.status} without a SCIM ListResponse`, { evidence }),
            );
            return;
        }
        if (p.list.totalResults !== 0 || p.list.resources.length !== 0) {
            const names = p.list.resources
                .slice(0, 3)
                .map((r) => String(r.userName))
                .join(", ");
            ctx.record(
                result(
                    "users.absent-lookup",
                    "users",
                    TITLES.absent,
                    "fail",
                    `a userName filter for a user that does not exist returned ${p.list.totalResults} result(s) (${names}): the server ignores the filter`,
                    {
                        hint: 'Entra matches users by this lookup: with filters ignored it would update or disable the wrong user. The endpoint must honour `filter=userName eq "..."`',
                        evidence,
                    },
                ),
            );
            return;
        }
    }
    ctx.record(
        result(
            "users.absent-lookup",
            "users",
            TITLES.absent,
            "pass",
            `${probes.length === 2 ? "before and after creating the test user, " : ""}a filter for a random userName returned 0 results`,
            { evidence },
        ),
    );
}

export interface UserConversation {
    user: TestUser;
    tracked?: Tracked;
}

/**
 * Runs the user conversation; `whileUserExists` runs after the updates and before disable/delete
 * (the group conversation needs a member). Returns the test user and its tracking record.
 */
export async function userConversation(ctx: RunContext, whileUserExists: (userId: string | undefined) => Promise<void>): Promise<UserConversation> {
    const user = testUser(ctx.runId);
    const skip = (id: keyof typeof TITLES, checkId: string, reason: string) => ctx.record(result(checkId, "users", TITLES[id], "skip", reason));

    const absentName = `${TEST_PREFIX}${ctx.runId}-absent-${randomSuffix()}@${TEST_EMAIL_DOMAIN}`;
    const probes = [await lookup(ctx, absentName)];

    // POST, tracked before the answer is read: a timeout may still have created the user.
    ctx.created.unconfirmedUsers.push(user.userName);
    const post = await send(ctx, "POST", "/Users", { body: dialect.createUserBody(user) });
    noteScope(ctx, post, "post:users");
    let tracked: Tracked | undefined;
    const body = (post.ok ? post.res.body : undefined) as Json | undefined;
    if (is2xx(post) && body && typeof body.id === "string") {
        tracked = { type: "User", id: body.id, name: user.userName, gone: false };
        ctx.created.users.push(tracked);
        ctx.created.unconfirmedUsers = ctx.created.unconfirmedUsers.filter((n) => n !== user.userName);
        const problems: string[] = [];
        if (post.res.status !== 201) problems.push(`answered ${post.res.status} instead of 201 Created`);
        if (String(body.userName ?? "").toLowerCase() !== user.userName.toLowerCase()) problems.push(`userName came back as ${String(body.userName)}`);
        if (body.active !== true) problems.push(`active came back as ${JSON.stringify(body.active)}`);
        const email = workEmail(body);
        if (email === undefined) problems.push("no work email in the created user");
        if (problems.length) {
            ctx.record(result("users.create", "users", TITLES.create, "fail", `created ${body.id}, but ${problems.join("; ")}`, { evidence: [post.line] }));
        } else {
            ctx.record(
                result("users.create", "users", TITLES.create, "pass", `created ${body.id} with userName, work email and active true`, {
                    evidence: [post.line],
                }),
            );
        }
    } else {
        let reason = describeFailure(post);
        if (is2xx(post)) reason = `answered HTTP ${post.res.status} without the new user's id`;
        else if (post.ok && post.res.status === 409) reason = `${reason}: a user with the test userName already exists`;
        ctx.record(
            result("users.create", "users", TITLES.create, "fail", reason, {
                hint:
                    genericHint(post, "post:users") ??
                    (post.ok && post.res.status === 400
                        ? 'the endpoint refused the user Entra would send: check the connection\'s SCIM attribute mapping (userName, emails[type eq "work"].value)'
                        : undefined),
                evidence: [post.line],
            }),
        );
    }

    if (tracked && !ctx.interrupted()) probes.push(await lookup(ctx, absentName));
    absentVerdict(ctx, probes);

    if (!tracked?.id) {
        const why = "the test user was not created";
        skip("lookup", "users.lookup-by-username", why);
        skip("get", "users.get-by-id", why);
        skip("email", "users.patch-work-email", why);
        skip("name", "users.patch-name", why);
        await whileUserExists(undefined);
        skip("disable", "users.disable", why);
        skip("del", "users.delete", why);
        skip("gone", "users.gone", why);
        return { user, tracked };
    }
    const id = tracked.id;
    const path = `/Users/${pathId(id)}`;

    const found = await lookup(ctx, user.userName);
    if (!is2xx(found.o) || !found.list) {
        ctx.record(
            result(
                "users.lookup-by-username",
                "users",
                TITLES.lookup,
                "fail",
                found.list ? describeFailure(found.o) : `${describeFailure(found.o)} (not a ListResponse)`,
                {
                    hint: genericHint(found.o, "get:users"),
                    evidence: [found.o.line],
                },
            ),
        );
    } else if (found.list.resources.length === 1 && found.list.resources[0].id === id) {
        ctx.record(result("users.lookup-by-username", "users", TITLES.lookup, "pass", `1 result, id ${id}`, { evidence: [found.o.line] }));
    } else {
        const ids = found.list.resources
            .slice(0, 3)
            .map((r) => String(r.id))
            .join(", ");
        ctx.record(
            result(
                "users.lookup-by-username",
                "users",
                TITLES.lookup,
                "fail",
                `expected exactly the test user, got ${found.list.totalResults} result(s) (${ids || "none"})${found.list.resources.length > 1 ? ": the server ignores the filter" : ""}`,
                {
                    hint:
                        found.list.resources.length === 0
                            ? "a user created a moment ago is not found by userName: Entra would create duplicates or fail with 409 on its next cycle"
                            : 'Entra matches users by this lookup: the endpoint must honour `filter=userName eq "..."`',
                    evidence: [found.o.line],
                },
            ),
        );
    }

    if (ctx.interrupted()) return finishInterrupted(ctx, user, tracked);
    const got = await send(ctx, "GET", path);
    noteScope(ctx, got, "get:users");
    const gotBody = (got.ok ? got.res.body : undefined) as Json | undefined;
    if (is2xx(got) && gotBody?.id === id) {
        ctx.record(result("users.get-by-id", "users", TITLES.get, "pass", `HTTP ${got.res.status}, id and userName match`, { evidence: [got.line] }));
    } else {
        ctx.record(
            result(
                "users.get-by-id",
                "users",
                TITLES.get,
                "fail",
                is2xx(got) ? `HTTP ${got.res.status} but the body is not the test user (id ${String(gotBody?.id)})` : describeFailure(got),
                {
                    hint: genericHint(got, "get:users"),
                    evidence: [got.line],
                },
            ),
        );
    }

    if (ctx.interrupted()) return finishInterrupted(ctx, user, tracked);
    const newEmail = `${TEST_PREFIX}${ctx.runId}.updated@${TEST_EMAIL_DOMAIN}`;
    await patchCheck(
        ctx,
        "users.patch-work-email",
        TITLES.email,
        path,
        id,
        dialect.replaceWorkEmail(ctx.dialect, newEmail),
        (u) => (workEmail(u)?.toLowerCase() === newEmail ? undefined : `the work email is ${JSON.stringify(workEmail(u))}, expected ${newEmail}`),
        `work email replaced through ${dialect.WORK_EMAIL_PATH}`,
    );

    if (ctx.interrupted()) return finishInterrupted(ctx, user, tracked);
    const newName = { givenName: "Verified", familyName: `Run ${ctx.runId} renamed`, displayName: `Verified Run ${ctx.runId}` };
    await patchCheck(
        ctx,
        "users.patch-name",
        TITLES.name,
        path,
        id,
        dialect.replaceName(ctx.dialect, newName),
        (u) => {
            const n = nameOf(u);
            const wrong = (["givenName", "familyName", "displayName"] as const).filter((k) => n[k] !== newName[k]);
            return wrong.length ? `${wrong.map((k) => `${k} is ${JSON.stringify(n[k])}`).join(", ")} after the PATCH` : undefined;
        },
        ctx.dialect === "aadOptscim062020"
            ? "displayName, name.givenName and name.familyName replaced in one op with a value object"
            : "displayName, name.givenName and name.familyName replaced, one op each",
    );

    if (ctx.interrupted()) return finishInterrupted(ctx, user, tracked);
    await whileUserExists(id);

    if (ctx.interrupted()) return finishInterrupted(ctx, user, tracked);
    await patchCheck(
        ctx,
        "users.disable",
        TITLES.disable,
        path,
        id,
        dialect.disableUser(ctx.dialect),
        (u) => (u.active === false ? undefined : `active is ${JSON.stringify(u.active)} after the PATCH, expected false`),
        ctx.dialect === "aadOptscim062020"
            ? `{"op":"replace","path":"active","value":false} disabled the user`
            : `{"op":"Replace","path":"active","value":"False"} disabled the user`,
    );

    if (ctx.interrupted()) return finishInterrupted(ctx, user, tracked);
    await deleteAndConfirm(ctx, tracked, "users");
    return { user, tracked };
}

function finishInterrupted(ctx: RunContext, user: TestUser, tracked: Tracked): UserConversation {
    ctx.record(result("users.interrupted", "users", "Run interrupted", "fail", "interrupted before the conversation finished; cleanup still ran"));
    return { user, tracked };
}

async function patchCheck(
    ctx: RunContext,
    checkId: string,
    title: string,
    path: string,
    id: string,
    req: dialect.PatchRequest,
    verify: (user: Json) => string | undefined,
    passReason: string,
): Promise<void> {
    const attempt: PatchAttempt = await patchAsEntra(ctx, path, req);
    noteScope(ctx, attempt.outcome, "patch:users");
    if (!is2xx(attempt.outcome)) {
        ctx.record(
            result(checkId, "users", title, "fail", patchFailureReason(attempt), {
                hint: attempt.diagnosis
                    ? ctx.dialect === "aadOptscim062020"
                        ? "Auth0's endpoint takes Entra's compliant dialect; if this is another server, fix it or drop ?aadOptscim062020 from the tenant URL"
                        : "add ?aadOptscim062020 to the tenant URL Entra is given (the stack does this), so Entra sends the compliant dialect"
                    : genericHint(attempt.outcome, "patch:users"),
                evidence: attempt.evidence,
            }),
        );
        return;
    }
    const evidence = [...attempt.evidence];
    const after = await userAfter(ctx, id, attempt.outcome, evidence);
    if (!after) {
        ctx.record(
            result(checkId, "users", title, "fail", `PATCH answered HTTP ${attempt.outcome.res.status} but the user could not be read back`, { evidence }),
        );
        return;
    }
    const wrong = verify(after);
    if (wrong) {
        ctx.record(
            result(checkId, "users", title, "fail", `PATCH answered HTTP ${attempt.outcome.res.status} but ${wrong}`, {
                hint: "the endpoint accepts the request and drops the change: Entra will think the user is up to date",
                evidence,
            }),
        );
        return;
    }
    ctx.record(result(checkId, "users", title, "pass", passReason, { evidence }));
}

/** DELETE, then GET must answer 404. Shared by users and groups. */
export async function deleteAndConfirm(ctx: RunContext, tracked: Tracked, kind: "users" | "groups"): Promise<void> {
    const base = kind === "users" ? "/Users" : "/Groups";
    const titles = kind === "users" ? { del: TITLES.del, gone: TITLES.gone } : { del: "DELETE /Groups/{id}", gone: "404 after DELETE" };
    const path = `${base}/${pathId(tracked.id!)}`;
    const del = await send(ctx, "DELETE", path);
    noteScope(ctx, del, `delete:${kind}`);
    if (is2xx(del)) {
        ctx.record(result(`${kind}.delete`, kind, titles.del, "pass", `HTTP ${del.res.status}`, { evidence: [del.line] }));
    } else {
        ctx.record(
            result(`${kind}.delete`, kind, titles.del, "fail", describeFailure(del), { hint: genericHint(del, `delete:${kind}`), evidence: [del.line] }),
        );
    }
    const get = await send(ctx, "GET", path, kind === "groups" ? { query: { excludedAttributes: "members" } } : {});
    if (get.ok && get.res.status === 404) {
        tracked.gone = true;
        ctx.record(result(`${kind}.gone`, kind, titles.gone, "pass", "HTTP 404 after DELETE", { evidence: [get.line] }));
    } else if (is2xx(get)) {
        ctx.record(
            result(
                `${kind}.gone`,
                kind,
                titles.gone,
                "fail",
                is2xx(del)
                    ? `DELETE answered HTTP ${del.res.status} but the ${kind === "users" ? "user" : "group"} is still there (HTTP ${get.res.status})`
                    : `still there (HTTP ${get.res.status})`,
                {
                    hint: is2xx(del) ? "the endpoint reports deletions it does not do: Entra's deprovisioning would leave accounts behind" : undefined,
                    evidence: [get.line],
                },
            ),
        );
    } else {
        ctx.record(
            result(`${kind}.gone`, kind, titles.gone, "fail", `expected 404, got ${describeFailure(get)}`, { hint: genericHint(get), evidence: [get.line] }),
        );
    }
}
