export interface ImageRef {
  /** Everything before the tag and digest: registry and repository. */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

/** Splits `registry:5000/team/app:1.2@sha256:...` into repository, tag and digest. */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, tag, digest };
}

/** Images written with variables (`${TAG}`, `$(IMAGE)`, `{{ .Values.image }}`) are filled in later. */
export function isTemplated(image: string): boolean {
  return /\$\{|\$\(|\{\{/.test(image);
}

export interface ImageLocation {
  /** The registry host (and port), lower case; Docker Hub's aliases all read `docker.io`. */
  registry: string;
  /** The repository path inside the registry (`library/nginx` for `nginx`). */
  path: string;
}

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** `registry.example.com:5000` → `registry.example.com:5000`; `Index.Docker.IO` → `docker.io`. */
export function normalizeRegistryHost(host: string): string {
  const h = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(h) ? 'docker.io' : h;
}

/**
 * Where an image is pulled from, as the container runtime reads the name: the first path segment
 * is a registry when it has a `.` or a `:` or is `localhost`; otherwise the image is on Docker Hub,
 * and a single-segment name is one of its official images (`nginx` → `docker.io/library/nginx`).
 */
export function imageLocation(image: string): ImageLocation {
  const repository = parseImage(image).repository;
  const slash = repository.indexOf('/');
  const first = slash >= 0 ? repository.slice(0, slash) : '';
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    const registry = normalizeRegistryHost(first);
    let path = repository.slice(slash + 1).toLowerCase();
    if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
    return { registry, path };
  }
  const path = repository.toLowerCase();
  return { registry: 'docker.io', path: slash >= 0 ? path : `library/${path}` };
}
