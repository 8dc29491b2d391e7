// The README is a front page: short, its plan commands copy-paste exact, its links pointing at files that exist.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

function shellLines(markdown: string): string[] {
    return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n")).map((l) => l.replace(/\s+#.*$/, "").trim());
}

describe("README.md", () => {
    it("reads in five minutes: at most 10 KB", () => {
        expect(Buffer.byteLength(README)).toBeLessThanOrEqual(10 * 1024);
    });

    it("links only to files that exist (or that this round's other pages add)", () => {
        const links = [...README.matchAll(/\]\(((?!https?:)[^)#]+)\)/g)].map((m) => m[1]);
        expect(links.length).toBeGreaterThan(10);
        const missing = links.filter((l) => !fs.existsSync(path.join(ROOT, l)));
        expect(missing).toEqual([]);
    });

    it("its plan commands run as written, the JSON example included", () => {
        const commands = shellLines(README).filter((l) => /^npm run (-s )?plan\b/.test(l));
        expect(commands).toContain("npm run plan");
        expect(commands.some((c) => c.includes("--json") && c.includes("| jq"))).toBe(true);
        for (const command of commands) {
            const res = spawnSync("bash", ["-o", "pipefail", "-c", command], {
                cwd: ROOT,
                encoding: "utf8",
                timeout: 120_000,
                env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
            });
            expect(res.status, `${command}\n${res.stderr}`).toBe(0);
            if (command.includes("| jq")) expect(res.stdout).toBe("contoso-entra managed-entra\nfabrikam-entra auth0-only\n");
        }
    });
});
