/** What a seeded desk is made of: its teams and categories, and the words of its tickets and conversations. */
import type { TicketType } from "@tessera/contracts";

export const TEAMS = [
  { name: "Service Desk", description: "First line: everything starts here" },
  { name: "Network", description: "LAN, Wi-Fi, VPN and firewalls" },
  { name: "Workplace", description: "Laptops, phones, printers and accounts" },
  { name: "Applications", description: "Business applications and licences" },
  { name: "Facilities", description: "Buildings, desks, access badges" },
  { name: "People Operations", description: "Payroll, leave, contracts and onboarding" },
];

export interface CategorySpec {
  name: string;
  team: string;
  type: TicketType;
  children: Array<{ name: string; subjects: string[] }>;
}

// Subjects may hold {asset}, {host}, {app}, {code}, {room}: filled per ticket, so that search finds a few tickets, not all.
export const CATEGORIES: CategorySpec[] = [
  {
    name: "Network",
    team: "Network",
    type: "incident",
    children: [
      { name: "VPN", subjects: ["VPN disconnects every hour", "Cannot connect to VPN from {room}", "VPN very slow since this morning", "VPN client error {code}"] },
      { name: "Wi-Fi", subjects: ["Wi-Fi drops in {room}", "Guest Wi-Fi password not working", "No Wi-Fi signal in {room}"] },
      { name: "Internet access", subjects: ["Websites load very slowly", "Cannot reach {host}", "Proxy blocks {app} downloads"] },
    ],
  },
  {
    name: "Hardware",
    team: "Workplace",
    type: "incident",
    children: [
      { name: "Laptop", subjects: ["Laptop {asset} will not boot after update", "Battery of {asset} drains in an hour", "Keyboard keys sticking on {asset}", "Blue screen {code} on {asset}"] },
      { name: "Monitor", subjects: ["Second monitor not detected", "Flickering screen on the docking station in {room}"] },
      { name: "Printer", subjects: ["Printer {host} jams constantly", "Cannot print from a Mac to {host}", "Scanner sends empty PDFs"] },
      { name: "Phone", subjects: ["Desk phone in {room} has no dial tone", "Need a new mobile phone", "Phone {asset} will not charge"] },
    ],
  },
  {
    name: "Accounts & access",
    team: "Service Desk",
    type: "service_request",
    children: [
      { name: "Password reset", subjects: ["Locked out of my account", "Password expired while travelling", "Reset my MFA device"] },
      { name: "New starter", subjects: ["New starter on Monday: account and laptop", "Set up accounts for two interns"] },
      { name: "Permissions", subjects: ["Need access to the {app} share", "Add me to the {app} distribution list", "Request admin rights on {host}"] },
    ],
  },
  {
    name: "Software",
    team: "Applications",
    type: "service_request",
    children: [
      { name: "Install request", subjects: ["Please install {app}", "Need {app} on laptop {asset}", "Update {app} to the latest version"] },
      { name: "Licence", subjects: ["{app} licence expired", "Need a {app} seat for a new colleague"] },
      { name: "Bug report", subjects: ["{app} crashes when exporting", "{app} shows error {code}", "{app} does not save my changes"] },
    ],
  },
  {
    name: "Facilities",
    team: "Facilities",
    type: "service_request",
    children: [
      { name: "Access badge", subjects: ["Badge stopped working at the main door", "Visitor badge for Thursday", "Badge does not open {room}"] },
      { name: "Desk move", subjects: ["Move our team to {room}", "Need a standing desk in {room}"] },
      { name: "Heating & cooling", subjects: ["{room} far too warm", "Air conditioning dripping in {room}"] },
    ],
  },
  {
    name: "HR",
    team: "People Operations",
    type: "service_request",
    children: [
      { name: "Payroll", subjects: ["Question about my payslip", "Overtime missing from last month's pay"] },
      { name: "Leave", subjects: ["Parental leave request", "Leave balance looks wrong in {app}"] },
    ],
  },
];

export const APPS = ["Visio", "Figma", "Salesforce", "SAP", "Jira", "Confluence", "Teams", "Zoom", "Tableau", "Power BI", "Outlook", "Excel", "Workday", "Slack", "AutoCAD", "Photoshop"];
export const ROOMS = ["meeting room 3B", "the 4th floor", "the Lisbon office", "the warehouse", "room 1.12", "the board room", "the canteen", "building C", "the hotel"];
export const HOSTS = ["prn-2f-east", "fs01.corp", "crm.internal", "portal.supplier.example", "prn-hq-01", "build-07", "wiki.corp", "sap-prd-02"];

export const OPENINGS = [
  "This has been happening since this morning.",
  "Several colleagues have the same problem.",
  "It's blocking my work today.",
  "Not urgent, but it would be great to fix this week.",
  "It started after the weekend's update.",
  "I tried restarting twice, no change.",
  "It happens every day around noon.",
  "A customer call depends on it this afternoon.",
];

export const AGENT_REPLIES = [
  "Thanks for letting us know. Could you tell me when this started?",
  "I've had a look and can reproduce it. Working on a fix now.",
  "Could you try restarting and let me know if it persists?",
  "We've pushed a change; please check again.",
  "I've ordered the replacement; it should arrive in two days.",
  "I've reset it on our side. Please sign out and in again.",
  "Could you send a screenshot of the error message?",
  "I'm escalating this to the vendor and will keep you posted.",
];
export const AGENT_QUESTIONS = ["Could you confirm whether it still happens today?", "Which office are you working from this week?", "Can you share the exact error text?"];
export const AGENT_FIXES = ["All done: it should work now. Let us know if anything is still off.", "Fixed on our side; please confirm it works for you.", "The replacement is on your desk."];
export const REQUESTER_REPLIES = [
  "It started yesterday afternoon.",
  "Restarted, still the same.",
  "That worked, thank you!",
  "Any news on this?",
  "Attached a screenshot of the error.",
  "It happens on the office network only.",
  "My manager approved it this morning.",
];
export const NOTES = [
  "Looks like the same issue as last week; check the switch logs.",
  "Waiting on the vendor, case opened with them.",
  "Known bug in the current release.",
  "Asset record was out of date, corrected it.",
  "Second pair of eyes needed on this one.",
];
export const RESOLUTIONS = ["Fixed; confirmed working with the requester.", "Replaced the device.", "Access granted.", "Installed and licensed.", "Reset the account and MFA."];
export const ROOT_CAUSES = ["Configuration drift after the last update.", "Hardware failure.", "Expired certificate.", "Vendor outage.", "Wrong group membership."];
export const TAGS = ["vip", "remote", "hardware-swap", "known-issue", "onboarding", "vendor", "repeat", "after-hours"];

export const ORGANIZATIONS = [
  ["Acme Manufacturing", "acme"],
  ["Globex Finance", "globex"],
  ["Initech Labs", "initech"],
  ["Umbrella Health", "umbrella"],
  ["Stark Logistics", "stark"],
  ["Wayne Retail", "wayne"],
  ["Hooli Media", "hooli"],
  ["Vandelay Imports", "vandelay"],
] as const;

/** Tiny files the attachment rows point at (stored once, shared by every row naming them). */
export const ATTACHMENT_FILES: Array<{ filename: string; bytes: Buffer }> = [
  { filename: "screenshot.png", bytes: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==", "base64") },
  { filename: "error-log.txt", bytes: Buffer.from("2026-01-12 09:14:02 ERROR connection reset by peer\n") },
  { filename: "quote.pdf", bytes: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n") },
];
