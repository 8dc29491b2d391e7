// A Markdown table (it reads as plain text in a terminal too).
export function table(header: string[], rows: string[][]): string {
    const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
    for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
    return lines.join("\n");
}
