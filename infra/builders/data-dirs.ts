// The data volume's directories on a host that already exists. cloud-init creates them at first
// boot, but droplets ignore later user-data changes (a changed userData would replace the trading
// droplet), so a directory added in a later release (brain's, ai-quant's, powerlaw-lab's) would be
// missing there, and Docker refuses a bind mount whose source does not exist: the new container
// fails after its predecessor was removed. This step makes every directory exist with its owner
// before any container on the host, at every release where the list changes. Idempotent.
import { DATA_VOLUME_SUBDIRS, DEFAULT_DATA_MOUNT_POINT, TITAN_OWNED_SUBDIRS, TITAN_UID } from "./cloud-init";

const SUBDIR = /^[a-z0-9][a-z0-9-]{0,62}$/;
const IMAGE_DIGEST_REF = /^[a-z0-9][a-z0-9._/-]*@sha256:[0-9a-f]{64}$/;

export interface DataDirsInput {
  /** An image with busybox (the stack's redis image, pinned by digest): pulled if absent. */
  image: string;
  mountPoint?: string;
}

/** The shell text run on the host as the deploy user (docker group), through ssh. */
export function dataDirsRemoteCommand(input: DataDirsInput): string {
  if (!IMAGE_DIGEST_REF.test(input.image))
    throw new Error(`data dirs: image '${input.image}' is not a repository@sha256 reference`);
  const mount = input.mountPoint ?? DEFAULT_DATA_MOUNT_POINT;
  if (!/^\/[A-Za-z0-9._/-]+$/.test(mount)) throw new Error(`data dirs: '${mount}' is not a plain path`);
  for (const d of DATA_VOLUME_SUBDIRS)
    if (!SUBDIR.test(d)) throw new Error(`data dirs: '${d}' is not a plain directory name`);
  const all = DATA_VOLUME_SUBDIRS.map((d) => `/data/${d}`).join(" ");
  const owned = TITAN_OWNED_SUBDIRS.map((d) => `/data/${d}`).join(" ");
  // Inside: root with CHOWN only (mkdir in root's own 0755 mount point needs nothing more), no
  // network, no new privileges. Only the Titan-owned directories are chowned: postgres's and
  // redis's belong to their images' users, set by their entrypoints.
  const inner = `set -e; mkdir -p ${all}; chown ${TITAN_UID}:${TITAN_UID} ${owned}`;
  // Outside, first: a missing volume must not become directories on the root disk.
  return [
    `mountpoint -q ${mount} || { echo "titan: the data volume is not mounted at ${mount}; no stateful container is started on the root disk" >&2; exit 4; }`,
    `docker run --rm --network none --user 0:0 --cap-drop ALL --cap-add CHOWN --security-opt no-new-privileges -v ${mount}:/data --entrypoint /bin/sh ${input.image} -c '${inner}'`,
  ].join(" && ");
}
