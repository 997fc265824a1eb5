/**
 * The shape of an HTML document (how deep its elements nest, how many there are), measured in
 * one linear pass before anything parses it for real.
 *
 * Why: sanitize-html runs on htmlparser2's Parser, which keeps its open elements in an array it
 * grows with unshift(), so its time grows with the square of the nesting depth (60,000 nested
 * <div>s took about 7 s of the one event loop). Measuring first lets a caller refuse or render
 * such a document some other way before the slow parse starts.
 *
 * The pass drives htmlparser2's own Tokenizer (the one the Parser reads from, so script, style,
 * comments and quoted attributes split the same way) and keeps the open elements as the Parser
 * would: the same implied closes, void elements and self-closing rule, but on a stack that
 * grows at its end, with a count per name so a close tag finds its element in constant time.
 */
import { Tokenizer } from "htmlparser2";

/** Deepest element nesting sanitised as HTML; mail and editors nest a few hundred levels at most. */
export const HTML_DEPTH_MAX = 500;
/**
 * Most elements sanitised as HTML. A long newsletter has a few thousand; at this
 * count and the deepest nesting above, one sanitising pass takes about a tenth of a second.
 */
export const HTML_ELEMENTS_MAX = 20_000;

export interface HtmlShape {
  /** Deepest nesting of open elements the parser would reach (stops counting past the limit). */
  depth: number;
  /** Start tags read (stops counting past the limit). */
  elements: number;
  /** Whether either limit was passed: the document should not be parsed as HTML. */
  tooComplex: boolean;
}

// The Parser's rules, from htmlparser2's Parser (MIT); kept in step by html-shape.test.ts, which
// checks this measure against the Parser's own stack on tricky markup.
const P = new Set(["p"]);
const FORM = new Set(["input", "option", "optgroup", "select", "button", "datalist", "textarea"]);
const TABLE_SECTION = new Set(["thead", "tbody"]);
const DD_DT = new Set(["dd", "dt"]);
const RT_RP = new Set(["rt", "rp"]);
const OPEN_IMPLIES_CLOSE = new Map<string, Set<string>>([
  ["tr", new Set(["tr", "th", "td"])],
  ["th", new Set(["th"])],
  ["td", new Set(["thead", "th", "td"])],
  ["body", new Set(["head", "link", "script"])],
  ["li", new Set(["li"])],
  ...["p", "h1", "h2", "h3", "h4", "h5", "h6"].map((t) => [t, P] as [string, Set<string>]),
  ...["select", "input", "output", "button", "datalist", "textarea"].map((t) => [t, FORM] as [string, Set<string>]),
  ["option", new Set(["option"])],
  ["optgroup", new Set(["optgroup", "option"])],
  ["dd", DD_DT],
  ["dt", DD_DT],
  ...[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hr",
    "main",
    "nav",
    "ol",
    "pre",
    "section",
    "table",
    "ul",
  ].map((t) => [t, P] as [string, Set<string>]),
  ["rt", RT_RP],
  ["rp", RT_RP],
  ["tbody", TABLE_SECTION],
  ["tfoot", TABLE_SECTION],
]);
const VOID = new Set(["area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "img", "input", "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr"]);
const FOREIGN = new Set(["math", "svg"]);
const HTML_INTEGRATION = new Set(["mi", "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject", "desc", "title"]);
/** Elements whose text is not body text. */
const NON_TEXT = new Set(["head", "script", "style", "title", "noscript", "textarea", "option"]);
/** Elements that start a new line when an HTML document is read as text. */
const BLOCK = new Set(["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr", "section", "article", "header", "footer", "dl", "dt", "dd"]);

interface Walk {
  shape: HtmlShape;
  /** The document's text, when asked for. */
  text: string;
}

/** One linear pass over `html`; with `withText` it also gathers the readable text. */
function walk(html: string, limits: { depth: number; elements: number }, withText: boolean): Walk {
  const stack: string[] = [];
  const open = new Map<string, number>();
  const foreign: boolean[] = [];
  const parts: string[] = [];
  let tagname = "";
  let depth = 0;
  let elements = 0;
  let tooComplex = false;
  let hiddenText = 0;

  const push = (name: string) => {
    stack.push(name);
    open.set(name, (open.get(name) ?? 0) + 1);
    if (NON_TEXT.has(name)) hiddenText++;
  };
  const pop = () => {
    const name = stack.pop()!;
    open.set(name, open.get(name)! - 1);
    if (NON_TEXT.has(name)) hiddenText--;
    if (withText && BLOCK.has(name)) parts.push("\n");
    return name;
  };
  const emitOpenTag = (name: string) => {
    tagname = name;
    const impliesClose = OPEN_IMPLIES_CLOSE.get(name);
    if (impliesClose) while (stack.length && impliesClose.has(stack[stack.length - 1])) pop();
    if (withText && BLOCK.has(name)) parts.push("\n");
    if (!VOID.has(name)) {
      push(name);
      if (FOREIGN.has(name)) foreign.push(true);
      else if (HTML_INTEGRATION.has(name)) foreign.push(false);
    }
    elements++;
    depth = Math.max(depth, stack.length);
    if (depth > limits.depth || elements > limits.elements) {
      tooComplex = true;
      if (!withText) tokenizer.pause();
    }
  };
  const closeCurrentTag = () => {
    if (stack[stack.length - 1] === tagname) pop();
    tagname = "";
  };
  // Line breaks in the source are spaces, as a browser shows them; blocks and <br> make lines.
  const text = (s: string) => {
    if (withText && !hiddenText) parts.push(s.replace(/\s+/g, " "));
  };
  const name = (start: number, end: number) => html.slice(start, end).toLowerCase();

  const tokenizer: Tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname: (start, end) => emitOpenTag(name(start, end)),
      onopentagend: () => {
        tagname = "";
      },
      onselfclosingtag: () => {
        if (foreign[foreign.length - 1]) closeCurrentTag();
        else tagname = "";
      },
      onclosetag: (start, end) => {
        const n = name(start, end);
        if (FOREIGN.has(n) || HTML_INTEGRATION.has(n)) foreign.pop();
        if (VOID.has(n)) {
          if (n === "br" && withText) parts.push("\n");
        } else if (open.get(n)) {
          while (pop() !== n);
        } else if (n === "p") {
          emitOpenTag("p");
          closeCurrentTag();
        }
      },
      ontext: (start, end) => text(html.slice(start, end)),
      ontextentity: (codepoint) => text(String.fromCodePoint(codepoint)),
      onattribdata: () => {},
      onattribentity: () => {},
      onattribend: () => {},
      onattribname: () => {},
      oncdata: () => {},
      oncomment: () => {},
      ondeclaration: () => {},
      onend: () => {},
      onprocessinginstruction: () => {},
    },
  );
  tokenizer.write(html);
  if (tokenizer.running) tokenizer.end();
  return { shape: { depth, elements, tooComplex }, text: withText ? readable(parts.join("")) : "" };
}

/** HTML's whitespace rules, roughly: runs of spaces become one, block edges become line breaks. */
function readable(s: string): string {
  return s
    .replace(/ +/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * How deep and how large `html` is, in time linear in its length; stops reading once a limit is
 * passed. The depth is the one sanitize-html's parser would reach.
 */
export function measureHtml(html: string, limits = { depth: HTML_DEPTH_MAX, elements: HTML_ELEMENTS_MAX }): HtmlShape {
  return walk(html, limits, false).shape;
}

/**
 * The readable text of any HTML, however deep, in linear time: text outside head, script and
 * style, with a line break at each block's edges. For showing what a document says when it is
 * too complex to sanitise as HTML.
 */
export function textOfHtml(html: string): string {
  return walk(html, { depth: Infinity, elements: Infinity }, true).text;
}
