// What verify keeps of an answer it cannot parse (an HTML gateway page, JSON without a SCIM `detail`) becomes a
// check's reason, printed and written to --output and CI summaries: the token must be gone from it, even when the
// excerpt's cut falls inside the token.
import { describe, expect, it } from "vitest";
import { type FetchLike, ScimClient } from "../../tools/verify/http";
import { REDACTED, Redactor } from "../../tools/verify/redact";
import { TOKEN, limits, virtualClock } from "./helpers";

/** Every slice of 12 characters of the token's secret part: a prefix or a cut copy would contain one. */
function secretSlices(): string[] {
    const secret = TOKEN.slice(TOKEN.indexOf(".") + 1);
    return Array.from({ length: secret.length - 11 }, (_, i) => secret.slice(i, i + 12));
}

async function excerptOf(body: string, contentType: string): Promise<string> {
    const echo: FetchLike = async () => new Response(body, { status: 502, headers: { "content-type": contentType } });
    const client = new ScimClient("http://127.0.0.1:9/scim/v2", TOKEN, limits(), new Redactor(), virtualClock().clock, echo);
    return (await client.request("GET", "/Users")).excerpt;
}

describe("the excerpt of an answer verify cannot parse", () => {
    it.each([250, 280, 299])("hides a token echoed across the cut (token at character %i)", async (at) => {
        const page = `<html><body>${"x".repeat(at - "<html><body>Bearer ".length)}Bearer ${TOKEN} rejected</body></html>`;
        expect(page.indexOf(TOKEN)).toBe(at);
        expect(page.indexOf(TOKEN) + TOKEN.length).toBeGreaterThan(300);
        const excerpt = await excerptOf(page, "text/html");
        for (const slice of secretSlices()) expect(excerpt).not.toContain(slice);
        // What came before the token is kept, then the marker (cut, at 299, by the 300-character limit).
        expect(excerpt.startsWith(`${page.slice(0, at)}${REDACTED.slice(0, 300 - at)}`)).toBe(true);
    });

    it("hides it in JSON without a detail, echoing the Authorization header", async () => {
        const body = (pad: number) => JSON.stringify({ error: "bad gateway", padding: "p".repeat(pad), headers: { authorization: `Bearer ${TOKEN}` } });
        const json = body(260 - body(0).indexOf(TOKEN));
        expect(json.indexOf(TOKEN)).toBe(260);
        const excerpt = await excerptOf(json, "application/json");
        for (const slice of secretSlices()) expect(excerpt).not.toContain(slice);
    });

    it("still keeps the first 300 characters of a long answer, cut with an ellipsis", async () => {
        const excerpt = await excerptOf(`${"a".repeat(400)}`, "text/plain");
        expect(excerpt).toBe(`${"a".repeat(300)}…`);
    });
});
