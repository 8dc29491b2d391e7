// Loads policy/ the way `pulumi preview --policy-pack policy` does, and talks to it as the engine would.
// The CLI's nodejs analyzer plugin (pulumi-analyzer-policy) runs, with the pack folder as working directory:
//   node $(node -e "require.resolve('@pulumi/pulumi/cmd/run-policy-pack')") <engine-address> .
// with PULUMI_STACK / PULUMI_PROJECT / PULUMI_ORGANIZATION in the environment; the pack prints its gRPC port
// on stdout, and the engine calls GetAnalyzerInfo, Configure, Analyze and AnalyzeStack on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeRequest,
    type AnalyzeResponse,
    AnalyzeStackRequest,
    type AnalyzerInfo,
    AnalyzerResource,
    AnalyzerResourceOptions,
    ConfigureAnalyzerRequest,
    EnforcementLevel,
    PolicyConfig,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import { urnOf } from "./helpers";

const PACK_DIR = join(__dirname, "../../policy");
const STARTUP_MS = 90_000;
const CALL_MS = 10_000;

let pack: ChildProcess | undefined;
let client: AnalyzerClient;
let stderr = "";

function startPack(): Promise<number> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
        cwd: PACK_DIR,
        // What the CLI adds for a nodejs pack (constructEnv); nothing of this test runner's own environment.
        env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "",
            PULUMI_STACK: "prod",
            PULUMI_PROJECT: "auth0-entra-scim",
            PULUMI_ORGANIZATION: "acme",
            PULUMI_DRY_RUN: "true",
        },
        stdio: ["ignore", "pipe", "pipe"],
    });
    pack = child;
    // Whatever the test does, the pack does not outlive it.
    setTimeout(() => child.kill("SIGKILL"), STARTUP_MS + 60_000).unref();
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`policy pack printed no port in ${STARTUP_MS} ms; stderr:\n${stderr}`)), STARTUP_MS);
        child.stdout!.on("data", (d: Buffer) => {
            out += d.toString();
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) {
                clearTimeout(timer);
                resolve(Number(m[1]));
            }
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`policy pack exited with ${code} before listening; stderr:\n${stderr}`));
        });
    });
}

function unary<Req, Res>(
    call: (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
    req: Req,
): Promise<Res> {
    return new Promise((resolve, reject) => {
        call.call(client, req, new grpc.Metadata(), { deadline: Date.now() + CALL_MS }, (err, res) => (err ? reject(err) : resolve(res)));
    });
}

function props(value: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(value as Record<string, JavaScriptValue>);
}

// The engine always sends resource options; the SDK refuses requests without them.
const OPTIONS = () => new AnalyzerResourceOptions().setCustomtimeouts(new AnalyzerResourceOptions.CustomTimeouts());

function analyze(type: string, name: string, properties: Record<string, unknown>): Promise<AnalyzeResponse> {
    const req = new AnalyzeRequest().setType(type).setName(name).setUrn(urnOf(type, name)).setProperties(props(properties)).setOptions(OPTIONS());
    return unary(client.analyze, req);
}

function diagnostics(res: AnalyzeResponse) {
    return res.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage(), urn: d.getUrn() }));
}

beforeAll(async () => {
    const port = await startPack();
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, STARTUP_MS + 5_000);

afterAll(() => {
    client?.close();
    if (pack && pack.exitCode === null) pack.kill("SIGTERM");
});

describe("policy pack loaded as `pulumi preview --policy-pack policy` loads it", () => {
    it("describes itself: name, version from package.json, every policy, config support", async () => {
        const info: AnalyzerInfo = await unary(client.getAnalyzerInfo, new Empty());
        expect(info.getName()).toBe("auth0-entra-scim");
        expect(info.getVersion()).toBe("1.0.0");
        expect(info.getSupportsconfig()).toBe(true);
        const policies = info.getPoliciesList();
        expect(policies.map((p) => p.getName()).sort()).toEqual([
            "entra-assignment-required",
            "entra-synchronization-job-template",
            "entra-tenant-url-scim-flag",
            "scim-token-expiry-rotation",
            "scim-token-group-scopes",
            "scim-token-scopes",
            "signing-certificate-expiry",
        ]);
        expect(policies.every((p) => p.getEnforcementlevel() === EnforcementLevel.MANDATORY)).toBe(true);
        const expiry = policies.find((p) => p.getName() === "scim-token-expiry-rotation")!;
        expect(Object.keys(expiry.getConfigschema()!.getProperties()!.toJavaScript())).toEqual(
            expect.arrayContaining(["productionStacks", "maxLifetimeDays", "minRotationMarginDays"]),
        );
    });

    it("reports a mandatory violation for a service principal without assignment required", async () => {
        const res = await analyze("azuread:index/servicePrincipal:ServicePrincipal", "acme-entra-sp", { clientId: "c", appRoleAssignmentRequired: false });
        expect(diagnostics(res)).toEqual([expect.objectContaining({ policy: "entra-assignment-required", level: EnforcementLevel.MANDATORY })]);
        const ok = await analyze("azuread:index/servicePrincipal:ServicePrincipal", "acme-entra-sp", { clientId: "c", appRoleAssignmentRequired: true });
        expect(diagnostics(ok)).toEqual([]);
    });

    it("knows the stack from the CLI's environment: an upstream token in stack prod is flagged", async () => {
        const res = await analyze("auth0:index/connectionScimToken:ConnectionScimToken", "acme-scim-token", {
            connectionId: "con_1",
            scopes: ["get:users", "post:users", "patch:users", "delete:users"],
        });
        expect(diagnostics(res)).toEqual([expect.objectContaining({ policy: "scim-token-expiry-rotation", message: expect.stringContaining(`stack "prod"`) })]);
    });

    it("applies policy config sent by the CLI: enforcement level and properties", async () => {
        // What `--policy-pack-config` turns into: the certificate policy advisory, with 400 days wanted.
        const req = new ConfigureAnalyzerRequest();
        req.getPolicyconfigMap().set(
            "signing-certificate-expiry",
            new PolicyConfig().setEnforcementlevel(EnforcementLevel.ADVISORY).setProperties(props({ minRemainingDays: 400 })),
        );
        await unary(client.configure, req);

        const type = "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate";
        const endDate = new Date(Date.now() + 200 * 24 * 3600 * 1000).toISOString();
        const cert = new AnalyzerResource()
            .setType(type)
            .setName("acme-entra-signing-cert")
            .setUrn(urnOf(type, "acme-entra-signing-cert"))
            .setProperties(props({ servicePrincipalId: "/servicePrincipals/x", endDate }))
            .setOptions(OPTIONS());
        const res = await unary(client.analyzeStack, new AnalyzeStackRequest().setResourcesList([cert]));
        expect(diagnostics(res)).toEqual([
            expect.objectContaining({
                policy: "signing-certificate-expiry",
                level: EnforcementLevel.ADVISORY,
                message: expect.stringContaining("at least 400 days"),
                urn: urnOf(type, "acme-entra-signing-cert"),
            }),
        ]);
    });
});
