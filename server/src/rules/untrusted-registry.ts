import { imageLocation, isTemplated, normalizeRegistryHost, type ImageLocation } from '../k8s/images.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

/**
 * With no `kubeguard.trustedRegistries`, the rule (turned on by hand) flags the public registries
 * where anyone can publish an image under a name of their choosing.
 */
const PUBLIC_REGISTRIES = ['docker.io', 'quay.io', 'ghcr.io', 'registry.gitlab.com', 'public.ecr.aws'];

interface TrustedEntry {
  /** Host (with port when written), or `*.example.com` for any subdomain. */
  host: string;
  /** Path segments that must start the repository path (none: the whole registry). */
  segments: string[];
}

/**
 * `ghcr.io/acme/` and `GHCR.io/acme` are the same entry; the path is compared segment by segment,
 * so `ghcr.io/acme` does not trust `ghcr.io/acme-evil`.
 */
function parseEntry(entry: string): TrustedEntry | undefined {
  const parts = entry.trim().replace(/^[a-z]+:\/\//i, '').split('/').filter((s) => s !== '');
  if (parts.length === 0) return undefined;
  const host = normalizeRegistryHost(parts[0]!);
  // `docker.io/bitnami` is an organisation prefix; official images are `docker.io/library`.
  return { host, segments: parts.slice(1).map((s) => s.toLowerCase()) };
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

function isTrusted(loc: ImageLocation, entries: readonly TrustedEntry[]): boolean {
  const path = loc.path.split('/');
  return entries.some((e) => hostMatches(e.host, loc.registry) && e.segments.every((s, i) => path[i] === s));
}

/** Entries are parsed once per settings object, not once per image. */
const parsed = new WeakMap<readonly string[], TrustedEntry[]>();

function entriesOf(list: readonly string[]): TrustedEntry[] {
  let out = parsed.get(list);
  if (!out) {
    out = list.map(parseEntry).filter((e): e is TrustedEntry => e !== undefined);
    parsed.set(list, out);
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'untrusted-registry',
    title: 'Image from a registry that is not trusted',
    category: 'images',
    severity: 'off',
    enabledBy: { setting: 'trustedRegistries', severity: 'warning' },
    target: 'container',
    description:
      'An image pulled from a registry you do not control can be replaced, typo-squatted or deleted by someone else, and nothing in the cluster checks what it contains. Pulling only from registries you run or vet (where images are scanned and mirrored) keeps what runs under your review. The rule turns on when `kubeguard.trustedRegistries` is set; turned on in `kubeguard.rules` without that list, it flags images from the public registries where anyone can publish: docker.io, quay.io, ghcr.io, registry.gitlab.com and public.ecr.aws.',
    remediation:
      'Mirror the image into a trusted registry and pull it from there, or list its registry in `kubeguard.trustedRegistries`: a host (`registry.example.com`, `registry.example.com:5000`, `*.example.com`) or a host and path prefix (`ghcr.io/acme`, compared on whole path segments, so it does not cover `ghcr.io/acme-evil`). An image without a registry host is on Docker Hub (`nginx` is `docker.io/library/nginx`), and `index.docker.io` and `registry-1.docker.io` count as `docker.io`.',
    messages: {
      notListed:
        'Image `{{image}}` of container "{{name}}" comes from {{registry}}, which is not in `kubeguard.trustedRegistries`, so nothing vouches for what it contains. Pull it from a trusted registry (mirror it there), or add the registry to the list if you trust it.',
      public:
        'Image `{{image}}` of container "{{name}}" comes from the public registry {{registry}}, where anyone can publish and a name can be taken over or typo-squatted. Mirror it into your own registry and list that in `kubeguard.trustedRegistries`.',
    },
  },
  check(ctx) {
    const list = ctx.settings.trustedRegistries;
    const entries = entriesOf(list);
    forEachContainer(ctx, (c, _pod, r) => {
      const p = r.view.pair(c.node, 'image');
      const image = r.view.text(p?.value)?.trim();
      if (!image || isTemplated(image)) return;
      const loc = imageLocation(image);
      if (list.length === 0) {
        if (PUBLIC_REGISTRIES.includes(loc.registry)) {
          ctx.report({ at: p, part: 'value', messageId: 'public', data: { image, name: c.name, registry: loc.registry } });
        }
        return;
      }
      if (isTrusted(loc, entries)) return;
      ctx.report({ at: p, part: 'value', messageId: 'notListed', data: { image, name: c.name, registry: loc.registry } });
    });
  },
});
