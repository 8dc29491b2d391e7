// Pulumi's real Node.js dynamic-provider host (@pulumi/pulumi's cmd/dynamic-provider), started and driven the way
// the engine does it, for tests. Facts: ../shared/reference/pulumi-dynamic-host.md; engine side from pulumi/pulumi
// pkg/resource/plugin/provider_plugin.go (launch env 246-266, Configure 1060-1160, Check/Diff/Update marshalling).
// - Start: the CLI's `pulumi-resource-pulumi-nodejs` launcher (the copy shipped in @pulumi/pulumi, identical to the
//   CLI's) run by `sh` with cwd = the directory under test; it resolves the host FROM THAT cwd and starts
//   `node <host> <engine address>`. The host prints its port on its first stdout line.
// - Calls: the gRPC stubs that ship in @pulumi/pulumi/proto, every call with a deadline.
// - Values: the engine strips secret marks from what it sends unless Configure said acceptSecrets (the host says
//   false), sends unknowns only in previews, and in a preview does not call Create/Update on a provider without
//   supportsPreview (it takes the inputs as outputs): `preview` below does the same.
// Bounded: start, each call and close have timeouts; the host runs in its own process group, killed on close and at exit.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** Pulumi's unknown value as it travels over gRPC (sdk/nodejs/runtime/rpc.ts unknownValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Pulumi's secret wrapper signature key and value (sdk/nodejs/runtime/rpc.ts specialSigKey / specialSecretSig). */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The launcher the CLI runs for `pulumi-nodejs` (a copy ships beside @pulumi/pulumi's package.json). */
export const LAUNCHER = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "pulumi-resource-pulumi-nodejs");

/** A value the engine holds as secret; how it is sent depends on the host's acceptSecrets. */
export class EngineSecret {
    constructor(readonly value: unknown) {}
}
export const secret = (value: unknown) => new EngineSecret(value);

export interface HostOptions {
    /** The provider process's working directory, as the engine sets it (the folder of Pulumi.yaml or of `main:`). */
    cwd: string;
    /** Environment besides PATH/HOME/TMPDIR and what the engine adds; nothing else leaks in from the test process. */
    env?: Record<string, string>;
    /** Project name: PULUMI_NODEJS_PROJECT / PULUMI_PROJECT, as the engine sets them. Default auth0-entra-scim. */
    project?: string;
    /** Pulumi.yaml runtime options: PULUMI_RUNTIME_<OPTION>. Default { typescript: true } (this project's). */
    runtimeOptions?: Record<string, unknown>;
    /** Stack config (`ns:key` -> value): PULUMI_CONFIG, and what `configure` sends by default. */
    config?: Record<string, unknown>;
    /** Per call, ms. Default 30 s (the first call of a provider may load ts-node). */
    callTimeoutMs?: number;
    /** Until the port is printed, ms. Default 20 s. */
    startTimeoutMs?: number;
}

export interface ConfigureResult {
    acceptSecrets: boolean;
    supportsPreview: boolean;
}
export interface CheckResult {
    inputs: Record<string, unknown>;
    failures: { property: string; reason: string }[];
}
export interface DiffResult {
    changes: "unknown" | "none" | "some";
    replaces: string[];
    deleteBeforeReplace: boolean;
}
export interface ReadResult {
    id: string;
    properties: Record<string, unknown>;
    inputs?: Record<string, unknown>;
}

export interface DynamicHost {
    /** The host script the launcher resolved from cwd (what `node` ran). */
    hostScript: string;
    port: number;
    /** Everything the host wrote to stderr so far (reaches the CLI as diagnostics). */
    stderr(): string;
    /** Everything the host wrote to stdout after the port line (provider console output). */
    stdout(): string;
    getPluginInfo(): Promise<string>;
    configure(config?: Record<string, unknown>): Promise<ConfigureResult>;
    check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>, o?: { preview?: boolean }): Promise<CheckResult>;
    diff(
        urn: string,
        id: string,
        oldOutputs: Record<string, unknown>,
        news: Record<string, unknown>,
        o?: { preview?: boolean; oldInputs?: Record<string, unknown> },
    ): Promise<DiffResult>;
    create(urn: string, news: Record<string, unknown>, o?: { preview?: boolean }): Promise<{ id: string; properties: Record<string, unknown> }>;
    read(urn: string, id: string, properties: Record<string, unknown>, inputs?: Record<string, unknown>): Promise<ReadResult>;
    update(
        urn: string,
        id: string,
        oldOutputs: Record<string, unknown>,
        news: Record<string, unknown>,
        o?: { preview?: boolean; oldInputs?: Record<string, unknown> },
    ): Promise<{ properties: Record<string, unknown>; calledHost: boolean }>;
    delete(urn: string, id: string, properties: Record<string, unknown>, oldInputs?: Record<string, unknown>): Promise<void>;
    close(): Promise<void>;
}

/** The URN the engine sends for a resource of this stack. */
export function urnOf(type: string, name: string, stack = "dev", project = "auth0-entra-scim"): string {
    return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/** The engine's MarshalProperties for the flags that matter here: secrets kept or stripped, unknowns kept or refused. */
export function marshal(value: unknown, o: { keepSecrets: boolean; keepUnknowns: boolean; label: string }): unknown {
    if (value instanceof EngineSecret) {
        const inner = marshal(value.value, o);
        return o.keepSecrets ? { [SECRET_SIG_KEY]: SECRET_SIG, value: inner } : inner;
    }
    if (value === UNKNOWN && !o.keepUnknowns) throw new Error(`${o.label}: unknown value outside a preview (the engine refuses it)`);
    if (Array.isArray(value)) return value.map((v) => marshal(v, o));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, marshal(v, o)]),
        );
    }
    return value;
}

function struct(value: unknown): Struct {
    return Struct.fromJavaScript(value as Record<string, never>);
}

function plain(s: Struct | undefined): Record<string, unknown> {
    return (s?.toJavaScript() ?? {}) as Record<string, unknown>;
}

const DIFF_CHANGES: Record<number, DiffResult["changes"]> = {
    [provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
    [provproto.DiffResponse.DiffChanges.DIFF_NONE]: "none",
    [provproto.DiffResponse.DiffChanges.DIFF_SOME]: "some",
};

const running = new Set<ChildProcess>();
process.once("exit", () => {
    for (const child of running) killGroup(child);
});

function killGroup(child: ChildProcess): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
        process.kill(-child.pid, "SIGKILL");
    } catch {
        // already gone
    }
}

/** Starts the host as the CLI's launcher does, in `o.cwd`; rejects with the host's stderr if it does not start. */
export async function startDynamicHost(o: HostOptions): Promise<DynamicHost> {
    const project = o.project ?? "auth0-entra-scim";
    const runtimeOptions = o.runtimeOptions ?? { typescript: true };
    const config = o.config ?? {};
    const env: Record<string, string> = {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        TMPDIR: process.env.TMPDIR ?? "/tmp",
        ...Object.fromEntries(Object.entries(runtimeOptions).map(([k, v]) => [`PULUMI_RUNTIME_${k.toUpperCase()}`, String(v)])),
        PULUMI_NODEJS_PROJECT: project,
        PULUMI_PROJECT: project,
        PULUMI_CONFIG: JSON.stringify(config),
        ...o.env,
    };
    // What the launcher's first line resolves (recorded for the tests; the launcher resolves it again itself).
    let hostScript = "";
    try {
        hostScript = execFileSync("node", ["-e", "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))"], {
            cwd: o.cwd,
            env,
            timeout: 10_000,
            stdio: ["ignore", "pipe", "ignore"],
        })
            .toString()
            .trim();
    } catch {
        // the launcher fails the same way; its stderr is reported below
    }
    // The engine's address: the host refuses to start without one and never dials it.
    const child = spawn("sh", [LAUNCHER, "127.0.0.1:1"], { cwd: o.cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
            () => fail(new Error(`dynamic-provider host in ${o.cwd} printed no port within ${o.startTimeoutMs ?? 20_000} ms`)),
            o.startTimeoutMs ?? 20_000,
        );
        function fail(e: Error) {
            clearTimeout(timer);
            killGroup(child);
            reject(new Error(`${e.message}\nstderr: ${err}`));
        }
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            const nl = out.indexOf("\n");
            if (nl < 0) return;
            const first = out.slice(0, nl).trim();
            clearTimeout(timer);
            if (/^\d+$/.test(first)) resolve(Number(first));
            else fail(new Error(`dynamic-provider host in ${o.cwd} printed "${first}" instead of its port`));
        });
        child.once("exit", (code) => fail(new Error(`dynamic-provider host in ${o.cwd} exited (${code}) before printing its port`)));
    });
    const portLineEnd = out.indexOf("\n") + 1;
    child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
    });

    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const callTimeout = o.callTimeoutMs ?? 30_000;
    let protocol: ConfigureResult | undefined;

    // One unary call with a deadline; a gRPC error carries the host's stderr so a failed load says why.
    function call<Req, Res>(method: string, req: Req): Promise<Res> {
        return new Promise<Res>((resolve, reject) => {
            const fn = (
                client as unknown as Record<
                    string,
                    (r: Req, m: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: Res) => void) => void
                >
            )[method];
            fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + callTimeout }, (e, r) => {
                if (e) reject(Object.assign(new Error(`${method}: ${e.details || e.message}\nhost stderr: ${err}`), { code: e.code, details: e.details }));
                else resolve(r);
            });
        });
    }
    const requireConfigured = (): ConfigureResult => {
        if (!protocol) throw new Error("call configure first: the engine configures a provider before any resource call");
        return protocol;
    };
    const send = (v: Record<string, unknown>, label: string, keepUnknowns: boolean) =>
        struct(marshal(v, { keepSecrets: requireConfigured().acceptSecrets, keepUnknowns, label }));

    return {
        hostScript,
        port,
        stderr: () => err,
        stdout: () => out.slice(portLineEnd),
        async getPluginInfo() {
            const r = await call<Empty, { getVersion(): string }>("getPluginInfo", new Empty());
            return r.getVersion();
        },
        async configure(cfg = config) {
            const req = new provproto.ConfigureRequest();
            // The engine sends a dynamic provider the whole stack config, `ns:key`, secrets marked (target.go, Configure).
            req.setArgs(struct(marshal(cfg, { keepSecrets: true, keepUnknowns: true, label: "configure" })));
            req.setAcceptsecrets(true);
            req.setAcceptresources(true);
            const r = await call<provproto.ConfigureRequest, provproto.ConfigureResponse>("configure", req);
            protocol = { acceptSecrets: r.getAcceptsecrets(), supportsPreview: r.getSupportspreview() };
            return protocol;
        },
        async check(urn, olds, news, co = {}) {
            const req = new provproto.CheckRequest();
            req.setUrn(urn);
            req.setOlds(send(olds, "check.olds", !!co.preview));
            req.setNews(send(news, "check.news", !!co.preview));
            const r = await call<provproto.CheckRequest, provproto.CheckResponse>("check", req);
            return { inputs: plain(r.getInputs()), failures: r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
        },
        async diff(urn, id, oldOutputs, news, co = {}) {
            const req = new provproto.DiffRequest();
            req.setUrn(urn);
            req.setId(id);
            req.setOlds(send(oldOutputs, "diff.olds", !!co.preview));
            req.setNews(send(news, "diff.news", !!co.preview));
            if (co.oldInputs) req.setOldInputs(send(co.oldInputs, "diff.oldInputs", !!co.preview));
            const r = await call<provproto.DiffRequest, provproto.DiffResponse>("diff", req);
            return { changes: DIFF_CHANGES[r.getChanges()], replaces: r.getReplacesList(), deleteBeforeReplace: r.getDeletebeforereplace() };
        },
        async create(urn, news, co = {}) {
            // provider_plugin.go Create: a preview on a provider without supportsPreview returns the inputs, no call.
            if (co.preview && !requireConfigured().supportsPreview)
                return { id: "", properties: marshal(news, { keepSecrets: true, keepUnknowns: true, label: "preview" }) as Record<string, unknown> };
            const req = new provproto.CreateRequest();
            req.setUrn(urn);
            req.setProperties(send(news, "create.news", !!co.preview));
            const r = await call<provproto.CreateRequest, provproto.CreateResponse>("create", req);
            return { id: r.getId(), properties: plain(r.getProperties()) };
        },
        async read(urn, id, properties, inputs) {
            const req = new provproto.ReadRequest();
            req.setUrn(urn);
            req.setId(id);
            req.setProperties(send(properties, "read.properties", false));
            if (inputs) req.setInputs(send(inputs, "read.inputs", false));
            const r = await call<provproto.ReadRequest, provproto.ReadResponse>("read", req);
            return { id: r.getId(), properties: plain(r.getProperties()), ...(r.hasInputs() ? { inputs: plain(r.getInputs()) } : {}) };
        },
        async update(urn, id, oldOutputs, news, co = {}) {
            // provider_plugin.go Update (1700-1719): in a preview, a provider without supportsPreview is not called;
            // the engine takes the new inputs as the resource's outputs.
            if (co.preview && !requireConfigured().supportsPreview) {
                return { properties: marshal(news, { keepSecrets: true, keepUnknowns: true, label: "preview" }) as Record<string, unknown>, calledHost: false };
            }
            const req = new provproto.UpdateRequest();
            req.setUrn(urn);
            req.setId(id);
            req.setOlds(send(oldOutputs, "update.olds", false));
            req.setNews(send(news, "update.news", !!co.preview));
            if (co.oldInputs) req.setOldInputs(send(co.oldInputs, "update.oldInputs", false));
            req.setPreview(!!co.preview);
            const r = await call<provproto.UpdateRequest, provproto.UpdateResponse>("update", req);
            return { properties: plain(r.getProperties()), calledHost: true };
        },
        async delete(urn, id, properties, oldInputs) {
            const req = new provproto.DeleteRequest();
            req.setUrn(urn);
            req.setId(id);
            req.setProperties(send(properties, "delete.properties", false));
            if (oldInputs) req.setOldInputs(send(oldInputs, "delete.oldInputs", false));
            await call<provproto.DeleteRequest, Empty>("delete", req);
        },
        async close() {
            client.close();
            if (child.exitCode === null && child.signalCode === null) {
                const exited = new Promise<void>((resolve) => {
                    const t = setTimeout(resolve, 5_000);
                    child.once("exit", () => {
                        clearTimeout(t);
                        resolve();
                    });
                });
                killGroup(child);
                await exited;
            }
            running.delete(child);
        },
    };
}
