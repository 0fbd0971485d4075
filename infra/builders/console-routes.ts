// The paths the console UI calls and the service that serves each one: the one table both the
// Traefik router rules and the brain gateway's nginx locations are built from, so the two can
// never disagree. Facts from Titan's source at a7c05a02 (paths in Titan's repository).
//
// The UI's API base is `/api` (apps/titan-console/src/lib/api-config.ts:17-32, getApiBaseUrl) and
// its WebSocket is `wss://<host>/api/ws/console` (api-config.ts:34-43 getWsBaseUrl,
// hooks/useWebSocket.ts:31). brain registers its routes WITHOUT `/api`, so Traefik strips it;
// console-api registers `/api/credentials...` WITH it (services/titan-console-api/src/routes/
// credentials.ts:104-383), so that route keeps it.
//
// Only what the UI calls is routed: brain also serves `/signal`, `/webhook/*`,
// `/phases/register` (SignalController.ts:48-60) and `/metrics` (WebhookServer.ts:581), and
// those stay unreachable from the internet (the console's catch-all router sends `/api/signal`
// to the static UI, and the gateway answers 404 to anything not listed here).

/** Who serves a path: brain's HTTP API (3100), brain's WebSocket server (3101), console-api. */
export type ConsoleBackend = "brain" | "brain-ws" | "console-api";

export interface ConsoleRoute {
  /** The path prefix as the browser sends it (Traefik PathPrefix). */
  readonly prefix: string;
  readonly backend: ConsoleBackend;
  /** Where the UI calls it and where Titan serves it. */
  readonly source: string;
}

/** The public prefix Traefik strips for brain (brain's routes have no `/api`). */
export const API_PREFIX = "/api";

export const CONSOLE_ROUTES: readonly ConsoleRoute[] = [
  {
    prefix: "/api/auth",
    backend: "brain",
    source:
      "UI context/AuthContext.tsx:50 /auth/login, components/identity/SessionsPanel.tsx:28 /auth/sessions; brain server/controllers/AdminController.ts:34-43, SafetyController.ts:26-28",
  },
  {
    prefix: "/api/operator",
    backend: "brain",
    source:
      "UI components/identity/ApprovalsQueue.tsx:48-76 /operator/approvals, /operator/intents/:id/approve|reject; brain server/controllers/OperatorController.ts:74-139",
  },
  {
    prefix: "/api/config",
    backend: "brain",
    source:
      "UI hooks/useConfig.ts:138-455 /config/* (on getTitanBrainUrl, api-config.ts:46-48: reaches /api when the console is built with VITE_TITAN_BRAIN_URL=/api); brain server/controllers/ConfigController.ts:53-89",
  },
  {
    prefix: "/api/admin/override",
    backend: "brain",
    source: "UI pages/ops/Risk.tsx:58; brain server/controllers/AdminController.ts:71-82",
  },
  {
    prefix: "/api/risk/halt",
    backend: "brain",
    source: "UI pages/ops/Risk.tsx:230; brain server/controllers/AdminController.ts:64",
  },
  {
    prefix: "/api/breaker/reset",
    backend: "brain",
    source: "UI pages/ops/Risk.tsx:80; brain server/controllers/AdminController.ts:57",
  },
  {
    prefix: "/api/audit/logs",
    backend: "brain",
    source: "UI pages/organs/DecisionLog.tsx:52; brain server/controllers/AuditController.ts:17",
  },
  {
    prefix: "/api/ws/console",
    backend: "brain-ws",
    // A standalone ws server on WS_PORT (default 3101), not attached to the 3100 server.
    source:
      "UI hooks/useWebSocket.ts:31; brain src/index.ts:707-714 (WebSocketService.listen(3101)), server/WebSocketService.ts:165",
  },
  {
    prefix: "/api/credentials",
    backend: "console-api",
    source:
      "UI pages/Credentials.tsx:32-287; console-api src/routes/credentials.ts:104-288 (registered with /api)",
  },
];

// Deliberately not routed: `/api/ops/command` (UI pages/LiveOps.tsx:124; console-api
// src/routes/ops.ts:13). It publishes `titan.ops.command.v1` for titan-opsd, which is not
// deployed, and console-api's NATS user may not publish: nats.js reports a publish permission
// error asynchronously, so console-api would answer `dispatched` for a command nobody runs. A 404
// is the honest answer. Nor `/api/credentials/:provider/internal` (credentials.ts:383): a
// service-to-service read of decrypted credentials; the gateway refuses it.

/** Path suffix of console-api's internal credential read, refused at the gateway. */
export const INTERNAL_CREDENTIALS = /^\/api\/credentials\/[^/]+\/internal(\/|$)/;

/** Routes to deploy: console-api's only when console-api runs. */
export function consoleRoutes(consoleApiEnabled: boolean): ConsoleRoute[] {
  return CONSOLE_ROUTES.filter((r) => consoleApiEnabled || r.backend !== "console-api");
}

/** The path the backend sees: brain's without `/api`, console-api's unchanged. */
export function backendPath(route: ConsoleRoute): string {
  return route.backend === "console-api" ? route.prefix : route.prefix.slice(API_PREFIX.length);
}

/** Every public prefix that reaches the gateway (policy `traefik-config-safe.brainPathPrefixes`). */
export const GATEWAY_PUBLIC_PREFIXES: readonly string[] = CONSOLE_ROUTES.map((r) => r.prefix);
