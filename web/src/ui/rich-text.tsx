import DOMPurify from "dompurify";
import { Typography } from "@mantine/core";
import { useMemo } from "react";
import classes from "./rich-text.module.css";

/** Set only while one sanitise call runs: that message's remote images may load. */
let loadingRemoteImages = false;

const isRemote = (src: string) => {
  try {
    const url = new URL(src, window.location.href);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin !== window.location.origin;
  } catch {
    return false;
  }
};

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  // Links in people's messages open in a new tab without handing it this page.
  if (node.tagName === "A" && node.getAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
  // A remote image tells its sender that, when and from where a message was read: it is held
  // back (its address kept in data-remote-src, as the server does for mail) until someone asks.
  if (node.tagName === "IMG") {
    const src = node.getAttribute("src");
    if (src && isRemote(src)) {
      node.removeAttribute("src");
      node.setAttribute("data-remote-src", src);
    }
    const held = node.getAttribute("data-remote-src");
    if (loadingRemoteImages && held && isRemote(held)) {
      node.setAttribute("src", held);
      node.setAttribute("referrerpolicy", "no-referrer");
      node.removeAttribute("data-remote-src");
    }
  }
});

/** The HTML holds remote images that are not loaded (cheap: no parsing). */
export function hasRemoteImages(html: string): boolean {
  return /<img\b[^>]*\s(data-remote-src|src\s*=\s*["']?https?:)/i.test(html);
}

/**
 * Shows HTML written by people (descriptions, replies). The server sanitises it when storing;
 * it is sanitised here again, so that a server bug alone can never run script in this page.
 * Remote images stay blocked unless `loadRemoteImages` is set for this message.
 */
export function RichText({ html, loadRemoteImages = false }: { html: string; loadRemoteImages?: boolean }) {
  const clean = useMemo(() => {
    loadingRemoteImages = loadRemoteImages;
    try {
      return DOMPurify.sanitize(html, {
        USE_PROFILES: { html: true },
        FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed", "svg", "math"],
        FORBID_ATTR: ["style", "class", "id"],
        ADD_ATTR: ["referrerpolicy"],
      });
    } finally {
      loadingRemoteImages = false;
    }
  }, [html, loadRemoteImages]);
  return (
    <Typography className={classes.root}>
      <div dangerouslySetInnerHTML={{ __html: clean }} />
    </Typography>
  );
}
