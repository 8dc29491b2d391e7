// One suite for every deploy layout (this checkout, a compiled deployment, a consumer project): the program's own
// registrations, then Pulumi's real dynamic-provider host started where the engine would start it, answering for
// every custom resource with exactly the `__provider` texts and inputs that program registered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDER_MODULES } from "../../components/dynamic/providerText";
import { type DynamicHost, UNKNOWN, startDynamicHost } from "../support/dynamicHost";
import { type ProgramRegistration, dynamicRegistrations } from "../support/serializeProvider";
import { CUSTOM_RESOURCE_TYPES, type StandIns, lifecycles, shortType, startStandInsFor, withoutProvider } from "./scenario";

export interface Layout {
    /** Every registration of the program run in this layout. */
    regs: ProgramRegistration[];
    /** Where the engine starts the provider: the folder of Pulumi.yaml, or of its `main:`. */
    hostCwd: string;
    /** The stack config the program ran with (the engine configures the provider with it). */
    config: Record<string, unknown>;
    /** The @pulumi/pulumi the host must come from (resolved from hostCwd by the launcher). */
    expectedHostScript: string;
    /** NODE_OPTIONS the layout needs besides the tests' loopback preload (e.g. LINKED_NODE_OPTIONS). */
    nodeOptions?: string;
    /** Pulumi.yaml runtime options of the layout (the engine passes them as PULUMI_RUNTIME_*). */
    runtimeOptions?: Record<string, unknown>;
    /** Project name (Pulumi.yaml `name`). */
    project?: string;
    /** What the program ran as, and so what its texts load first: "js" (a build) or "ts" (source). */
    flavour: "js" | "ts";
}

export interface SuiteOptions {
    /** Also Create, Read, Update and Delete against the stand-ins (Check and Diff always). */
    lifecycle: boolean;
}

export function describeLayout(title: string, setup: () => Promise<Layout>, o: SuiteOptions): void {
    describe(title, () => {
        let layout: Layout;
        let s: StandIns;
        let host: DynamicHost;
        let dynamic: ProgramRegistration[];
        const cycle = lifecycles(expect);

        beforeAll(async () => {
            layout = await setup();
            dynamic = dynamicRegistrations(layout.regs);
            s = await startStandInsFor(dynamic, String(layout.config["auth0:domain"]));
            const env = { ...s.env, NODE_OPTIONS: [layout.nodeOptions, s.env.NODE_OPTIONS].filter(Boolean).join(" ") };
            host = await startDynamicHost({ cwd: layout.hostCwd, env, config: layout.config, runtimeOptions: layout.runtimeOptions, project: layout.project });
            expect(await host.configure()).toEqual({ acceptSecrets: false, supportsPreview: false });
        }, 120_000);

        afterAll(async () => {
            await host?.close();
            await s?.close();
        });

        it("the program registers every custom resource type, ScimToken with token as a secret output", () => {
            expect(new Set(dynamic.map(shortType))).toEqual(new Set(CUSTOM_RESOURCE_TYPES));
            for (const r of dynamic) {
                expect(r.additionalSecretOutputs, r.name).toEqual(shortType(r) === "ScimToken" ? ["token"] : []);
                expect(r.inputs.__provider, r.name).toContain(`${JSON.stringify(PROVIDER_MODULES[shortType(r)])}, ${JSON.stringify(layout.flavour)})`);
            }
        });

        it("the launcher resolves the host from the provider's cwd", () => {
            expect(host.hostScript).toBe(layout.expectedHostScript);
        });

        it("Check accepts every registered resource and keeps its inputs", async () => {
            for (const r of dynamic) {
                const c = await host.check(r.urn, {}, r.inputs);
                expect(c.failures, r.name).toEqual([]);
                expect(c.inputs, r.name).toMatchObject(r.inputs);
            }
        }, 60_000);

        it("Check and Diff in a preview: an unknown identity input fails nothing and hides no replacement", async () => {
            for (const r of dynamic) {
                const key = cycle[shortType(r)].identity;
                const news = { ...r.inputs, [key]: UNKNOWN };
                const c = await host.check(r.urn, r.inputs, news, { preview: true });
                expect(c.failures, r.name).toEqual([]);
                expect(c.inputs[key], r.name).toBe(UNKNOWN);
                const d = await host.diff(r.urn, `${r.name}-id`, r.inputs, c.inputs, { preview: true });
                expect(d.changes, r.name).toBe("some");
                expect(d.replaces, r.name).toContain(key);
            }
        }, 60_000);

        it("Diff: the registered inputs against themselves are no change; the type's typical edit updates or replaces", async () => {
            for (const r of dynamic) {
                const { inputs } = await host.check(r.urn, {}, r.inputs);
                expect((await host.diff(r.urn, `${r.name}-id`, inputs, inputs)).changes, r.name).toBe("none");
                const lc = cycle[shortType(r)];
                const changed = await host.check(r.urn, inputs, lc.change(inputs));
                const d = await host.diff(r.urn, `${r.name}-id`, inputs, changed.inputs);
                expect(d.changes, r.name).toBe("some");
                expect(d.replaces.length > 0, `${r.name} replaces ${d.replaces}`).toBe(lc.changeIs === "replace");
            }
        }, 60_000);

        if (!o.lifecycle) return;

        it("Create, Read, Update and Delete reach the stand-ins and report what they hold", async () => {
            for (const r of dynamic) {
                const lc = cycle[shortType(r)];
                const { inputs } = await host.check(r.urn, {}, r.inputs);
                const created = await host.create(r.urn, inputs);
                expect(created.id, r.name).not.toBe("");
                expect(created.properties.__provider, r.name).toBe(r.inputs.__provider);
                lc.created(s, inputs, created.properties);

                const read = await host.read(r.urn, created.id, created.properties, inputs);
                expect(read.id, r.name).toBe(created.id);
                expect(read.properties, r.name).toMatchObject(withoutProvider(created.properties));

                let outs = created.properties;
                let last = inputs;
                if (lc.changeIs === "update") {
                    const next = (await host.check(r.urn, inputs, lc.change(inputs))).inputs;
                    const updated = await host.update(r.urn, created.id, outs, next, { oldInputs: inputs });
                    expect(updated.calledHost).toBe(true);
                    lc.updated?.(s, next, updated.properties);
                    outs = updated.properties;
                    last = next;
                }
                const before = s.graph.requests.length + s.auth0.requests.length;
                await host.delete(r.urn, created.id, outs, last);
                lc.deleted(s, last, outs, s.graph.requests.length + s.auth0.requests.length - before);
            }
        }, 90_000);

        it("nothing the host printed holds an issued token value or the Auth0 client secret", () => {
            expect(s.auth0.issuedValues.length).toBeGreaterThan(0);
            const printed = host.stdout() + host.stderr();
            expect(printed).toContain("ScimToken");
            for (const v of s.auth0.issuedValues) expect(printed).not.toContain(v);
            expect(printed).not.toContain(s.env.AUTH0_CLIENT_SECRET);
        });
    });
}
