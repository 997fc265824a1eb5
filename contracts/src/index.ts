export * from "./enums.ts";
export * from "./errors.ts";
export * from "./common.ts";
export * from "./auth.ts";
export * from "./people.ts";
export * from "./tickets.ts";
export * from "./sla.ts";
export * from "./workspace.ts";
