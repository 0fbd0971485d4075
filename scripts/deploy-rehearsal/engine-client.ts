// A minimal Docker Engine API client: HTTP/1.1 over the daemon's unix socket (node:http).
import { request } from "node:http";

export interface EngineResponse {
  status: number;
  body: Buffer;
}

export class EngineError extends Error {
  constructor(
    readonly call: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${call}: ${status} ${detail}`);
  }
}

export class EngineClient {
  constructor(
    private readonly socketPath: string,
    private readonly apiVersion = "v1.41",
  ) {}

  raw(
    method: string,
    path: string,
    body?: Buffer | string,
    contentType = "application/json",
  ): Promise<EngineResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          method,
          path: `/${this.apiVersion}${path}`,
          headers:
            body === undefined
              ? {}
              : { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** A call that must answer 2xx; the daemon's message becomes the error. */
  async call(method: string, path: string, body?: unknown, contentType?: string): Promise<unknown> {
    const payload =
      body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const res = await this.raw(
      method,
      path,
      payload,
      contentType ?? (Buffer.isBuffer(body) ? "application/x-tar" : "application/json"),
    );
    const text = res.body.toString("utf8");
    if (res.status < 200 || res.status >= 300) {
      let detail = text.trim();
      try {
        detail = (JSON.parse(text) as { message?: string }).message ?? detail;
      } catch {}
      throw new EngineError(`${method} ${path.split("?")[0]}`, res.status, detail);
    }
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      return text;
    }
  }
}
