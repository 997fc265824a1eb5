#!/usr/bin/env node
// The `tessera` command. TypeScript sources run through tsx's loader, so no build step is needed.
import { register } from "tsx/esm/api";
register();
await import("../src/main.ts");
