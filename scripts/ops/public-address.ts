const LOOKUP_URL = "https://api.ipify.org";
const LOOKUP_TIMEOUT_MS = 5_000;

/** Asks a public echo service for this machine's address as the internet sees it. */
export async function lookupPublicAddress(url: string = LOOKUP_URL): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return (await response.text()).trim();
}
