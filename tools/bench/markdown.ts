// A Markdown table (it reads as plain text in a terminal too).
export function table(header: string[], rows: string[][]): string {
    const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
    for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
    return lines.join("\n");
}

/**
 * Replaces the section that starts with `heading` (up to the next "## ") by `section`; without one, inserts it
 * before the first line starting with `before`, or at the end.
 */
export function replaceSection(markdown: string, heading: string, section: readonly string[], before: string): string {
    const lines = markdown.split("\n");
    const bounds = sectionBounds(lines, heading);
    if (!bounds) {
        const at = lines.findIndex((l) => l.startsWith(before));
        const i = at < 0 ? lines.length : at;
        return [...lines.slice(0, i), ...section, ...lines.slice(i)].join("\n");
    }
    return [...lines.slice(0, bounds.start), ...section, ...lines.slice(bounds.end)].join("\n");
}

/** The section that starts with `heading` (up to the next "## "), or undefined. */
export function sectionOf(markdown: string, heading: string): string[] | undefined {
    const lines = markdown.split("\n");
    const bounds = sectionBounds(lines, heading);
    return bounds && lines.slice(bounds.start, bounds.end);
}

/** Where the section that starts with `heading` begins, and the line after it ends (the next "## "). */
function sectionBounds(lines: readonly string[], heading: string): { start: number; end: number } | undefined {
    const start = lines.indexOf(heading);
    if (start < 0) return undefined;
    const next = lines.findIndex((l, i) => i > start && l.startsWith("## "));
    return { start, end: next < 0 ? lines.length : next };
}
