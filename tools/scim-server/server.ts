// A real SCIM 2.0 service provider (scimmy + scimmy-routers on express 5) on 127.0.0.1, shaped like
// Auth0's inbound SCIM endpoint (/scim/v2/connections/{id}, bearer token, token scopes), with switchable
// misbehaviours: the verify tests use it, and `npm run scim-server` serves it for a newcomer to try verify.
// Not part of the package: scimmy, scimmy-routers and express are dev dependencies. SCIMMY keeps its resource declarations in module-global
// state, so handlers are declared once and reach the running server's store through the router context.
import express from "express";
import type { Request, Response, NextFunction } from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

/** What a misbehaving SCIM server gets wrong; every switch is off by default. */
export interface ScimMisbehaviour {
    /** Accepts any bearer token, including a wrong one. */
    acceptAnyToken?: boolean;
    /** Answers list requests with every resource, whatever the filter. */
    ignoreFilters?: boolean;
    /** Fails every PATCH with 500. */
    patchFails500?: boolean;
    /** Rejects lowercase PATCH ops (a server written for Entra's 2017 dialect only). */
    rejectLowercaseOps?: boolean;
    /** Rejects the 2017 dialect's string booleans ("False") for `active`. */
    rejectStringBooleans?: boolean;
    /** Answers DELETE with 204 but keeps the resource. */
    leakOnDelete?: boolean;
    /** Delays responses by this many ms (the work itself is done at once). */
    slowMs?: number;
    /** Which methods are slow; all when absent. */
    slowOn?: string[];
    /** Echoes the Authorization header in error messages (to test that the check redacts it). */
    echoAuthorization?: boolean;
    /** Answers this many requests with 429 before serving again: Auth0's per-connection rate limit. */
    throttleFirst?: number;
    /** The Retry-After (seconds) sent with those 429s; 0 when absent. */
    retryAfterSeconds?: number;
    /** Refuses `sw` (starts with) filters with 400 invalidFilter, as servers that implement only `eq` do. */
    rejectStartsWithFilter?: boolean;
    /** Answers with Content-Type application/json instead of application/scim+json. */
    plainJsonContentType?: boolean;
}

export interface ScimServerOptions {
    token: string;
    /** Auth0 SCIM token scopes the token carries; all users and groups scopes when absent. */
    scopes?: string[];
    /** Pre-existing users, as a real connection has (so that ignored filters show). */
    seedUsers?: number;
    connectionId?: string;
    /** Requests answered before the server answers 503 to everything (a bound for runaway tests); 0: no bound. */
    maxRequests?: number;
    /** The server closes itself after this long, whatever the test does; 0: serves until closed. */
    lifetimeMs?: number;
    /** Loopback port; 0 (default) lets the system pick a free one. */
    port?: number;
}

export interface RecordedRequest {
    method: string;
    path: string;
    query: Record<string, unknown>;
    body: unknown;
    /** Whether the request carried the server's token (never the header itself). */
    authorized: boolean;
    status?: number;
}

type Json = Record<string, unknown>;

// What the handlers hand SCIMMY: the schema's attributes plus the server-owned id.
type StoredUser = Omit<SCIMMY.Schemas.User, "schemas" | "meta"> & Json & { id: string };
type StoredGroup = Omit<SCIMMY.Schemas.Group, "schemas" | "meta"> & Json & { id: string };

interface ServerState {
    users: Map<string, StoredUser>;
    groups: Map<string, StoredGroup>;
    misbehaviour: ScimMisbehaviour;
}

type AnyResource = InstanceType<typeof SCIMMY.Types.Resource> & { id?: string; filter?: InstanceType<typeof SCIMMY.Types.Filter> };

function stateOf(ctx: unknown): ServerState {
    return ctx as ServerState;
}

function notFound(id: string | undefined): Error {
    return new SCIMMY.Types.Error(404, null as unknown as string, `Resource ${id} not found`);
}

function listOrOne<T extends Json>(resource: AnyResource, store: Map<string, T>, state: ServerState): T | T[] {
    if (resource.id) {
        const found = store.get(resource.id);
        if (!found) throw notFound(resource.id);
        return structuredClone(found);
    }
    const all = [...store.values()].map((v) => structuredClone(v));
    if (!resource.filter || state.misbehaviour.ignoreFilters) return all;
    return resource.filter.match(all) as T[];
}

function meta(resourceType: string, created?: string): Json {
    const now = new Date().toISOString();
    return { resourceType, created: created ?? now, lastModified: now };
}

/** PUT/PATCH (an id) replaces the stored resource; POST creates one with a server-owned id. */
function write<T extends Json & { id: string }>(store: Map<string, T>, r: AnyResource, data: Json, type: string, create: () => T): T {
    if (r.id) {
        const existing = store.get(r.id);
        if (!existing) throw notFound(r.id);
        const updated = { ...data, id: r.id, meta: meta(type, (existing.meta as Json | undefined)?.created as string) } as unknown as T;
        store.set(r.id, updated);
        return structuredClone(updated);
    }
    const created = create();
    store.set(created.id, created);
    return structuredClone(created);
}

/** DELETE: gone from the store, unless the server leaks deletions. Returns whether it was removed. */
function dispose(store: Map<string, Json & { id: string }>, r: AnyResource, state: ServerState): boolean {
    const id = r.id!;
    if (!store.has(id)) throw notFound(id);
    if (state.misbehaviour.leakOnDelete) return false;
    return store.delete(id);
}

let declared = false;

function declareResources(): void {
    if (declared) return;
    declared = true;
    SCIMMY.Resources.declare(SCIMMY.Resources.User)
        .egress((resource, ctx) => listOrOne(resource as AnyResource, stateOf(ctx).users, stateOf(ctx)))
        .ingress((resource, instance, ctx) => {
            const state = stateOf(ctx);
            const data = JSON.parse(JSON.stringify(instance)) as Json;
            return write(state.users, resource as AnyResource, data, "User", () => {
                const userName = String(data.userName ?? "");
                if ([...state.users.values()].some((u) => String(u.userName).toLowerCase() === userName.toLowerCase())) {
                    throw new SCIMMY.Types.Error(409, "uniqueness", `User with userName ${userName} already exists`);
                }
                return { active: true, ...data, id: `samlp|verify-conn|${randomUUID()}`, meta: meta("User") } as unknown as StoredUser;
            });
        })
        .degress((resource, ctx) => {
            const state = stateOf(ctx);
            const id = (resource as AnyResource).id!;
            if (!dispose(state.users, resource as AnyResource, state)) return;
            for (const g of state.groups.values()) {
                g.members = (g.members ?? []).filter((m) => m.value !== id);
            }
        });
    SCIMMY.Resources.declare(SCIMMY.Resources.Group)
        .egress((resource, ctx) => listOrOne(resource as AnyResource, stateOf(ctx).groups, stateOf(ctx)))
        .ingress((resource, instance, ctx) => {
            const state = stateOf(ctx);
            const data = JSON.parse(JSON.stringify(instance)) as Json;
            for (const m of (data.members as Json[] | undefined) ?? []) {
                if (!state.users.has(String(m.value))) {
                    throw new SCIMMY.Types.Error(400, "invalidValue", `member ${String(m.value)} is not a user of this connection`);
                }
            }
            return write(
                state.groups,
                resource as AnyResource,
                data,
                "Group",
                () => ({ members: [], ...data, id: randomUUID(), meta: meta("Group") }) as unknown as StoredGroup,
            );
        })
        .degress((resource, ctx) => {
            dispose(stateOf(ctx).groups, resource as AnyResource, stateOf(ctx));
        });
}

function scimError(res: Response, status: number, detail: string, scimType?: string): void {
    res.status(status)
        .type("application/scim+json")
        .send(
            JSON.stringify({
                schemas: [SCIM_ERROR],
                status: String(status),
                ...(scimType ? { scimType } : {}),
                detail,
            }),
        );
}

/** Entra's 2017 dialect sends `"False"`/`"True"` for booleans; Auth0 takes them, so does this server by default. */
function normaliseStringBooleans(body: unknown): boolean {
    let found = false;
    const ops = (body as Json | undefined)?.Operations;
    if (!Array.isArray(ops)) return false;
    for (const op of ops as Json[]) {
        if (typeof op.path === "string" && op.path.toLowerCase() === "active" && typeof op.value === "string") {
            found = true;
            op.value = op.value.toLowerCase() === "true";
        }
        if (op.value && typeof op.value === "object" && !Array.isArray(op.value)) {
            const v = op.value as Json;
            if (typeof v.active === "string") {
                found = true;
                v.active = v.active.toLowerCase() === "true";
            }
        }
    }
    return found;
}

const SCOPE_VERBS: Record<string, string> = { GET: "get", POST: "post", PATCH: "patch", PUT: "put", DELETE: "delete" };

export class ScimTestServer {
    readonly requests: RecordedRequest[] = [];
    private readonly state: ServerState = { users: new Map(), groups: new Map(), misbehaviour: {} };
    private readonly timers = new Set<NodeJS.Timeout>();
    private server?: Server;
    private lifetime?: NodeJS.Timeout;
    private base = "";

    private constructor(private readonly options: ScimServerOptions) {}

    static async start(options: ScimServerOptions): Promise<ScimTestServer> {
        const s = new ScimTestServer(options);
        await s.listen();
        return s;
    }

    /** The connection's SCIM endpoint, as Auth0's dashboard shows it (no trailing slash). */
    get url(): string {
        return this.base;
    }

    /** Switches misbehaviours; replaces the previous set. */
    misbehave(m: ScimMisbehaviour): void {
        this.state.misbehaviour = { ...m };
    }

    /** Drops every user and group and seeds fresh real-looking users. */
    reset(): void {
        this.state.users.clear();
        this.state.groups.clear();
        this.requests.length = 0;
        for (let i = 0; i < (this.options.seedUsers ?? 3); i++) {
            const id = `samlp|verify-conn|seed-${i}`;
            this.state.users.set(id, {
                id,
                userName: `employee${i}@contoso.example`,
                active: true,
                emails: [{ type: "work", value: `employee${i}@contoso.example`, primary: true }],
                meta: meta("User"),
            });
        }
    }

    users(): StoredUser[] {
        return [...this.state.users.values()];
    }

    groups(): StoredGroup[] {
        return [...this.state.groups.values()];
    }

    /** Adds a user as an earlier, interrupted run would have left it. */
    addUser(user: Json & { userName: string; id?: string }): StoredUser {
        const stored = { ...user, id: user.id ?? `samlp|verify-conn|${randomUUID()}`, meta: meta("User") } as unknown as StoredUser;
        this.state.users.set(stored.id, stored);
        return stored;
    }

    addGroup(group: Json & { displayName: string }): StoredGroup {
        const stored = { members: [], ...group, id: randomUUID(), meta: meta("Group") } as unknown as StoredGroup;
        this.state.groups.set(stored.id, stored);
        return stored;
    }

    async close(): Promise<void> {
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
        if (this.lifetime) clearTimeout(this.lifetime);
        const server = this.server;
        this.server = undefined;
        if (!server) return;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    private async listen(): Promise<void> {
        declareResources();
        this.reset();
        const connectionId = this.options.connectionId ?? "con_verifyTest0001";
        const mount = `/scim/v2/connections/${connectionId}`;
        const app = express();
        app.disable("x-powered-by");
        app.use(mount, express.json({ type: ["application/scim+json", "application/json"] }));
        app.use(mount, (req: Request, res: Response, next: NextFunction) => this.front(req, res, next));
        app.use(
            mount,
            new SCIMMYRouters({
                type: "bearer",
                handler: (req: Request) => {
                    if (!this.tokenOk(req)) {
                        const echoed = this.state.misbehaviour.echoAuthorization ? ` (got ${req.header("Authorization") ?? "nothing"})` : "";
                        throw new Error(`Invalid bearer token${echoed}`);
                    }
                    return "verify";
                },
                context: () => this.state,
            }),
        );
        await new Promise<void>((resolve, reject) => {
            const server = app.listen(this.options.port ?? 0, "127.0.0.1", (err?: Error) => (err ? reject(err) : resolve()));
            this.server = server;
        });
        const port = (this.server!.address() as AddressInfo).port;
        this.base = `http://127.0.0.1:${port}${mount}`;
        const lifetimeMs = this.options.lifetimeMs ?? 60_000;
        if (lifetimeMs > 0) {
            this.lifetime = setTimeout(() => void this.close(), lifetimeMs);
            this.lifetime.unref();
        }
    }

    private tokenOk(req: Request): boolean {
        if (this.state.misbehaviour.acceptAnyToken) return true;
        return req.header("Authorization") === `Bearer ${this.options.token}`;
    }

    /** Recording, bounds, scopes and the misbehaviours that sit in front of SCIMMY. */
    private front(req: Request, res: Response, next: NextFunction): void {
        const m = this.state.misbehaviour;
        const record: RecordedRequest = {
            method: req.method,
            path: req.path,
            query: { ...req.query },
            body: structuredClone(req.body ?? null),
            authorized: this.tokenOk(req),
        };
        this.requests.push(record);
        res.on("finish", () => {
            record.status = res.statusCode;
        });
        const maxRequests = this.options.maxRequests ?? 500;
        if (maxRequests > 0 && this.requests.length > maxRequests) {
            scimError(res, 503, "test server request bound reached");
            return;
        }
        if (m.throttleFirst && m.throttleFirst > 0) {
            m.throttleFirst--;
            res.setHeader("Retry-After", String(m.retryAfterSeconds ?? 0));
            scimError(res, 429, "Too many requests");
            return;
        }
        if (m.plainJsonContentType) {
            const setHeader = res.setHeader.bind(res);
            res.setHeader = (name: string, value: number | string | readonly string[]) =>
                setHeader(name, name.toLowerCase() === "content-type" ? "application/json; charset=utf-8" : value);
        }
        if (m.slowMs && (!m.slowOn || m.slowOn.includes(req.method))) this.delayResponse(res, m.slowMs);
        if (!record.authorized) {
            next();
            return;
        }
        const resource = /^\/(Users|Groups)\b/.exec(req.path)?.[1]?.toLowerCase();
        const verb = SCOPE_VERBS[req.method];
        const scopes = this.options.scopes;
        if (resource && verb && scopes && !scopes.includes(`${verb}:${resource}`)) {
            const echoed = m.echoAuthorization ? ` for ${req.header("Authorization")}` : "";
            scimError(res, 403, `Insufficient scope, expected: ${verb}:${resource}${echoed}`);
            return;
        }
        if (m.rejectStartsWithFilter && req.method === "GET" && / sw /i.test(String(req.query.filter ?? ""))) {
            scimError(res, 400, "Only the eq operator is supported", "invalidFilter");
            return;
        }
        if (req.method === "PATCH") {
            if (m.patchFails500) {
                scimError(res, 500, "Internal server error");
                return;
            }
            const ops = ((req.body as Json | undefined)?.Operations as Json[] | undefined) ?? [];
            if (m.rejectLowercaseOps) {
                const lower = ops.find((o) => typeof o.op === "string" && o.op !== o.op.charAt(0).toUpperCase() + o.op.slice(1));
                if (lower) {
                    scimError(res, 400, `Unsupported op '${String(lower.op)}'`, "invalidSyntax");
                    return;
                }
            }
            if (m.rejectStringBooleans) {
                const text = ops.find((o) => typeof o.value === "string" && /^(true|false)$/i.test(o.value));
                if (text) {
                    scimError(res, 400, `Attribute 'active' expected to be of type 'boolean'`, "invalidValue");
                    return;
                }
            }
            normaliseStringBooleans(req.body);
        }
        next();
    }

    private delayResponse(res: Response, ms: number): void {
        const send = res.send.bind(res);
        let delayed = false;
        res.send = ((body?: unknown) => {
            if (delayed) return send(body);
            delayed = true;
            const t = setTimeout(() => {
                this.timers.delete(t);
                if (!res.writableEnded && !res.destroyed) send(body);
            }, ms);
            this.timers.add(t);
            return res;
        }) as Response["send"];
    }
}
