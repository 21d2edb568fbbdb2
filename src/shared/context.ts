// What every capability's routes and commands receive: the database and the settings.
import type { Database } from './db/database.ts';
import type { ChangeFeed } from './events.ts';

export interface AppConfig {
  /** version of the package, for /api/health */
  version: string;
  /** serve the built web app from this folder, when present */
  webDist?: string;
  /** cookies need Secure behind HTTPS; off for plain http on a LAN */
  secureCookies: boolean;
  /** proxies whose X-Forwarded-For is believed (ANJU_TRUST_PROXY); default none */
  trustProxy?: boolean | number | string[];
  /** folder for files kept beside the database (audit key, anchors, uploads in progress) */
  dataDir?: string;
}

export interface AppContext {
  database: Database;
  config: AppConfig;
  /** register changes for other capabilities to follow; buildApp creates one when absent */
  events?: ChangeFeed;
}
