/**
 * What the composer's `/` menu and the command palette load on first use: the fuzzy search
 * library (fuse.js: small, well kept, weights title over text) and the calls that list
 * canned replies and macros. One module, so that it is one download.
 */
export { default as Fuse } from "fuse.js";
export { fetchCannedReplies, fetchMacros } from "../../api/replies.ts";
