/**
 * Where this tab keeps the view the agent used last (sessionStorage): a ticket link opens beside
 * it. A module of its own because the workspace writes it and the page's first script reads it,
 * and that script loads the workspace.
 */
export const LAST_VIEW = "tessera.agent.lastView";
