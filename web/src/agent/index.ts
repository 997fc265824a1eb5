// The composer and the new-ticket form take files with the same drop area as the portal.
import "@mantine/dropzone/styles.css";

export { AgentApp, loadTicketPane } from "./agent-app.tsx";
