export { AgentApp } from "./agent-app.tsx";
