import { describe, expect, it } from "vitest";
import { Parser } from "htmlparser2";
import { measureHtml, textOfHtml } from "../src/text/html-shape.ts";

/**
 * measureHtml copies the HTML parser's rules for opening and closing elements (implied closes,
 * void elements, self-closing in SVG and MathML) to measure depth without its slow stack. If a
 * copy drifted, deep documents could slip past the guard: here the measure must equal the
 * parser's own deepest nesting on random tag soup built from the cases those rules handle.
 */
const VOID = new Set(["area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "img", "input", "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr"]);

function parserDepth(html: string): number {
  let depth = 0;
  let deepest = 0;
  const parser = new Parser({
    onopentagname(name) {
      if (!VOID.has(name)) deepest = Math.max(deepest, ++depth);
    },
    onclosetag(name) {
      if (!VOID.has(name)) depth--;
    },
  });
  parser.write(html);
  parser.end();
  return deepest;
}

const PIECES = [
  "<p>",
  "</p>",
  "<p/>",
  "<div>",
  "</div>",
  "<DIV>",
  "</Div>",
  "<div/>",
  "<li>",
  "<ul>",
  "</ul>",
  "<ol>",
  "<dd>",
  "<dt>",
  "<h1>",
  "</h1>",
  "<table>",
  "</table>",
  "<tr>",
  "<td>",
  "<th>",
  "<thead>",
  "<tbody>",
  "<tfoot>",
  "<select>",
  "<option>",
  "<optgroup>",
  "<input>",
  "<svg>",
  "</svg>",
  "<path/>",
  "<g>",
  "</g>",
  "<math>",
  "<mi>",
  "</mi>",
  "<foreignObject>",
  "</foreignObject>",
  "<title>",
  "</title>",
  "<script>",
  "</script>",
  "<style>",
  "</style>",
  "<textarea>",
  "</textarea>",
  "<!-- </div> -->",
  "<![CDATA[</p>]]>",
  "<!doctype html>",
  "<b title='</b>'>",
  '<a href="x>y">',
  "</a>",
  "</b>",
  "</x>",
  "<br>",
  "</br>",
  "<br/>",
  "<img src=x>",
  "text",
  "&amp;",
  "<",
  "</",
  "<body>",
  "<head>",
];

/** A small seeded generator, so a failure repeats. */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

describe("measuring HTML nesting", () => {
  it("reaches the same depth as the HTML parser on 20,000 random documents", () => {
    const next = random(42);
    for (let i = 0; i < 20_000; i++) {
      let html = "";
      const n = 1 + Math.floor(next() * 60);
      for (let k = 0; k < n; k++) html += PIECES[Math.floor(next() * PIECES.length)];
      expect(measureHtml(html, { depth: Infinity, elements: Infinity }).depth, html).toBe(parserDepth(html));
    }
  });

  it("counts close tags hidden in comments, scripts and attributes as the parser does: not at all", () => {
    const html = "<div><!-- </div> --><script></div></script><b title='</div>'>".repeat(2_000);
    expect(measureHtml(html, { depth: Infinity, elements: Infinity }).depth).toBe(parserDepth(html));
    expect(measureHtml(html).tooComplex).toBe(true);
  });

  it("stops at the first limit passed", () => {
    expect(measureHtml("<div>".repeat(501))).toMatchObject({ tooComplex: true, depth: 501 });
    expect(measureHtml("<div>".repeat(500) + "x" + "</div>".repeat(500))).toMatchObject({ tooComplex: false, depth: 500 });
    expect(measureHtml("<p>x</p>".repeat(20_001))).toMatchObject({ tooComplex: true, depth: 1, elements: 20_001 });
  });
});

describe("reading the text of HTML", () => {
  it("keeps body text in reading order, one line per block, without head, script or style", () => {
    const html =
      "<html><head><title>Title</title><style>p{color:red}</style></head><body><p>Hello\n   world &amp; you</p><div>Line<br>two</div><script>alert(1)</script><ul><li>a</li><li>b</li></ul></body></html>";
    expect(textOfHtml(html)).toBe("Hello world & you\n\nLine\ntwo\n\na\n\nb");
  });

  it("reads 60,000 nested elements", () => {
    expect(textOfHtml(`${"<div>".repeat(60_000)}deep words${"</div>".repeat(60_000)}`)).toBe("deep words");
  });
});
