import "@mantine/dropzone/styles.css";

export { PortalLayout } from "./portal-layout.tsx";
export { HomePage } from "./home-page.tsx";
export { MyRequestsPage } from "./my-requests-page.tsx";
export { NewRequestPage } from "./new-request-page.tsx";
export { RequestPage } from "./request-page.tsx";
