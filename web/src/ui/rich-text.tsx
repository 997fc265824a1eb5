import DOMPurify from "dompurify";
import { Typography } from "@mantine/core";
import { useMemo } from "react";
import classes from "./rich-text.module.css";

// Links in people's messages open in a new tab without handing it this page.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
});

/**
 * Shows HTML written by people (descriptions, replies). The server sanitises it when storing;
 * it is sanitised here again, so that a server bug alone can never run script in this page.
 */
export function RichText({ html }: { html: string }) {
  const clean = useMemo(
    () =>
      DOMPurify.sanitize(html, {
        USE_PROFILES: { html: true },
        FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed", "svg", "math"],
        FORBID_ATTR: ["style", "class", "id"],
      }),
    [html],
  );
  return (
    <Typography className={classes.root}>
      <div dangerouslySetInnerHTML={{ __html: clean }} />
    </Typography>
  );
}
