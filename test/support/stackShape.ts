// The shape of what the stack registers, independent of input values: per resource its URN, parent, provider
// and dependencies. Compared with a recording made before a refactoring, it shows that existing stacks see
// the same resources under the same URNs (no replacement, no aliases needed).
import * as fs from "node:fs";
import * as path from "node:path";
import { type RecordedAlias, simulate, settle } from "../../tools/plan/simulation";
import { readStackFile } from "../../tools/plan/stackFile";
import { runStack } from "../../components/stack";
import type { RawStackConfig } from "../../components/config";

export interface ShapeEntry {
    urn: string;
    parent: string;
    /** The provider reference's URN ("" = the default provider). */
    provider: string;
    dependencies: string[];
    aliases: RecordedAlias[];
}

/** Every resource the stack registers for `raw`, or for Pulumi.example.yaml when `raw` is "example". */
export async function stackShape(raw: RawStackConfig | "example"): Promise<ShapeEntry[]> {
    const config = raw === "example" ? readStackFile(path.join(__dirname, "..", "..", "Pulumi.example.yaml")).config : {};
    const monitor = await simulate({ project: "auth0-entra-scim", stack: "shape", preview: false, config });
    runStack(raw === "example" ? undefined : raw);
    await settle();
    return monitor.recorded
        .map((r) => ({
            urn: r.urn,
            parent: r.parent,
            provider: r.provider.split("::").slice(0, -1).join("::"),
            dependencies: [...r.dependencies].sort(),
            aliases: r.aliases,
        }))
        .sort((a, b) => a.urn.localeCompare(b.urn));
}

export const SHAPE_FIXTURE = path.join(__dirname, "..", "fixtures", "stack-shape.json");

export interface ShapeFixture {
    generatedFrom: string;
    configs: Record<string, RawStackConfig | "example">;
    shapes: Record<string, ShapeEntry[]>;
}

export function readShapeFixture(): ShapeFixture {
    return JSON.parse(fs.readFileSync(SHAPE_FIXTURE, "utf8"));
}
