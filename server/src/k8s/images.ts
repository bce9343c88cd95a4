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
