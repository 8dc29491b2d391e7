// Cleanup runs in every path (failures, timeouts, interruption): it deletes what this run created or may
// have created, then lists everything named with the test prefix, from this run or earlier ones.
import { filterEq } from "../dialect";
import { type CleanupReport, type TestObject, describeObject } from "../report";
import { type RunContext, TEST_PREFIX, type Tracked, asListResponse, describeFailure, is2xx, pathId, result, send } from "./common";

type Json = Record<string, unknown>;

async function deleteTracked(ctx: RunContext, t: Tracked): Promise<void> {
    const path = `${t.type === "User" ? "/Users" : "/Groups"}/${pathId(t.id!)}`;
    const del = await send(ctx, "DELETE", path, { phase: "cleanup" });
    if (!del.ok) return;
    const get = await send(ctx, "GET", path, { phase: "cleanup" });
    if (get.ok && get.res.status === 404) t.gone = true;
}

/** A POST that got no answer may still have created its object: find it by name and track it. */
async function findUnconfirmed(ctx: RunContext, type: "User" | "Group", name: string): Promise<Tracked | undefined> {
    const o =
        type === "User"
            ? await send(ctx, "GET", "/Users", { phase: "cleanup", query: { filter: filterEq("userName", name) } })
            : await send(ctx, "GET", "/Groups", { phase: "cleanup", query: { excludedAttributes: "members", filter: filterEq("displayName", name) } });
    const list = is2xx(o) ? asListResponse(o.res.body) : undefined;
    const key = type === "User" ? "userName" : "displayName";
    const hit = list?.resources.find((r) => String(r[key]).toLowerCase() === name.toLowerCase() && typeof r.id === "string");
    return hit ? { type, id: String(hit.id), name, gone: false } : undefined;
}

interface Listing {
    objects: TestObject[];
    complete: boolean;
    note?: string;
}

/** Lists objects whose name starts with the prefix; `sw` first, the names this run used when `sw` is refused. */
async function listByPrefix(ctx: RunContext, type: "User" | "Group", ownNames: string[]): Promise<Listing> {
    const base = type === "User" ? "/Users" : "/Groups";
    const key = type === "User" ? "userName" : "displayName";
    const objects = new Map<string, TestObject>();
    const take = (resources: Json[]) => {
        // Filtered again here: a server that ignores filters must not make real users look like leftovers.
        for (const r of resources) {
            const name = String(r[key] ?? "");
            if (name.toLowerCase().startsWith(TEST_PREFIX) && typeof r.id === "string") objects.set(r.id, { type, id: r.id, name });
        }
    };
    const pageSize = 100;
    for (let page = 0, start = 1; page < 5; page++) {
        const query: Record<string, string> = { filter: `${key} sw "${TEST_PREFIX}"`, startIndex: String(start), count: String(pageSize) };
        if (type === "Group") query.excludedAttributes = "members";
        const o = await send(ctx, "GET", base, { phase: "cleanup", query });
        const list = is2xx(o) ? asListResponse(o.res.body) : undefined;
        if (!list) {
            if (page > 0 || (o.ok && o.res.status !== 400)) {
                return { objects: [...objects.values()], complete: false, note: `${type} listing stopped: ${describeFailure(o)}` };
            }
            // `sw` unsupported: look up this run's own names one by one.
            for (const name of ownNames) {
                const q: Record<string, string> = { filter: filterEq(key, name) };
                if (type === "Group") q.excludedAttributes = "members";
                const one = await send(ctx, "GET", base, { phase: "cleanup", query: q });
                const l = is2xx(one) ? asListResponse(one.res.body) : undefined;
                if (!l) return { objects: [...objects.values()], complete: false, note: `${type} lookup failed: ${describeFailure(one)}` };
                take(l.resources);
            }
            return {
                objects: [...objects.values()],
                complete: false,
                note: `the endpoint refused a "sw" filter (${describeFailure(o)}); only this run's ${type === "User" ? "users" : "groups"} were looked up`,
            };
        }
        take(list.resources);
        const got = list.resources.length;
        start += got;
        if (got === 0 || start > list.totalResults) break;
        if (page === 4) return { objects: [...objects.values()], complete: false, note: `more than ${5 * pageSize} ${type} results; listing cut short` };
    }
    return { objects: [...objects.values()], complete: true };
}

export interface CleanupOptions {
    /** Also delete leftovers from earlier runs (objects named with the prefix). */
    deleteLeftovers: boolean;
    /** Whether groups are part of this run (then group leftovers are listed too). */
    groups: boolean;
    /** False when the endpoint refused the token or did not answer: nothing was created, nothing can be listed. */
    endpointUsable: boolean;
    /** Why it was not usable, for the skip's reason. */
    unusableWhy?: string;
}

export async function cleanup(ctx: RunContext, options: CleanupOptions, ownUserNames: string[], ownGroupNames: string[]): Promise<CleanupReport> {
    const c = ctx.created;
    for (const name of c.unconfirmedGroups) {
        const found = await findUnconfirmed(ctx, "Group", name).catch(() => undefined);
        if (found) c.groups.push(found);
    }
    for (const name of c.unconfirmedUsers) {
        const found = await findUnconfirmed(ctx, "User", name).catch(() => undefined);
        if (found) c.users.push(found);
    }
    // Groups first: a group may still hold the test user.
    for (const t of [...c.groups, ...c.users]) if (!t.gone) await deleteTracked(ctx, t);

    const ours = [...c.groups, ...c.users];
    const remaining = ours.filter((t) => !t.gone);
    const deleted: TestObject[] = ours.filter((t) => t.gone).map(({ type, id, name }) => ({ type, id, name }));
    if (remaining.length) {
        ctx.record(
            result(
                "cleanup.this-run",
                "cleanup",
                "This run's test objects deleted",
                "fail",
                `could not confirm deletion of ${remaining.map(describeObject).join(", ")}`,
                {
                    hint: "delete them in the Auth0 dashboard (User Management > Users, search for the name), or run again with --delete-leftovers",
                },
            ),
        );
    } else {
        ctx.record(
            result(
                "cleanup.this-run",
                "cleanup",
                "This run's test objects deleted",
                "pass",
                ours.length ? `${ours.length} object(s) created and confirmed gone` : "nothing was created",
            ),
        );
    }

    if (!options.endpointUsable) {
        ctx.record(
            result(
                "cleanup.leftovers",
                "cleanup",
                `No objects named ${TEST_PREFIX}* left`,
                "skip",
                `${options.unusableWhy ?? "the endpoint was not usable"}: nothing was created, nothing listed`,
            ),
        );
        return { testPrefix: TEST_PREFIX, deleted, leftovers: remaining.map(({ type, id, name }) => ({ type, id, name })), listing: "skipped" };
    }

    const listings = [await listByPrefix(ctx, "User", ownUserNames)];
    if (options.groups) listings.push(await listByPrefix(ctx, "Group", ownGroupNames));
    let leftovers = listings.flatMap((l) => l.objects);
    const complete = listings.every((l) => l.complete);
    const notes = listings.map((l) => l.note).filter((n): n is string => !!n);

    const deletedLeftovers: TestObject[] = [];
    if (options.deleteLeftovers && leftovers.length) {
        const earlier: Tracked[] = leftovers.map((o) => ({ ...o, gone: false }));
        for (const t of [...earlier.filter((o) => o.type === "Group"), ...earlier.filter((o) => o.type === "User")]) await deleteTracked(ctx, t);
        for (const t of earlier) if (t.gone) deletedLeftovers.push({ type: t.type, id: t.id, name: t.name });
        deleted.push(...deletedLeftovers);
        leftovers = earlier.filter((t) => !t.gone).map(({ type, id, name }) => ({ type, id, name }));
    }
    const deletedText = deletedLeftovers.length
        ? `deleted ${deletedLeftovers.length} left by earlier runs (--delete-leftovers): ${deletedLeftovers.map(describeObject).join(", ")}; `
        : "";
    for (const t of remaining) {
        if (!leftovers.some((o) => o.id === t.id)) leftovers.push({ type: t.type, id: t.id, name: t.name });
    }

    const listing: CleanupReport["listing"] = complete
        ? "complete"
        : listings.some((l) => l.objects.length || l.note?.includes("only this run"))
          ? "partial"
          : "failed";
    if (leftovers.length) {
        ctx.record(
            result(
                "cleanup.leftovers",
                "cleanup",
                `No objects named ${TEST_PREFIX}* left`,
                "fail",
                `${deletedText}${leftovers.length} left: ${leftovers.map(describeObject).join(", ")}`,
                {
                    hint: options.deleteLeftovers
                        ? "they could not be deleted: delete them in the Auth0 dashboard"
                        : "run again with --delete-leftovers, or delete them in the Auth0 dashboard",
                },
            ),
        );
    } else if (listing === "complete") {
        ctx.record(
            result(
                "cleanup.leftovers",
                "cleanup",
                `No objects named ${TEST_PREFIX}* left`,
                "pass",
                `${deletedText}listed users${options.groups ? " and groups" : ""} named ${TEST_PREFIX}*: none left`,
            ),
        );
    } else {
        ctx.record(
            result(
                "cleanup.leftovers",
                "cleanup",
                `No objects named ${TEST_PREFIX}* left`,
                listing === "partial" ? "pass" : "fail",
                `${deletedText}${listing === "partial" ? "none found, but " : ""}${notes.join("; ")}`,
                {
                    hint: listing === "failed" ? "look for users named the prefix in the Auth0 dashboard" : undefined,
                },
            ),
        );
    }
    return {
        testPrefix: TEST_PREFIX,
        deleted,
        ...(deletedLeftovers.length ? { deletedLeftovers } : {}),
        leftovers,
        listing,
        ...(notes.length ? { note: notes.join("; ") } : {}),
    };
}
