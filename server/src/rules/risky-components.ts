import { imageLocation, isTemplated } from '../k8s/images.ts';
import type { Resource } from '../k8s/resource.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

type Component = 'tiller' | 'dashboard';

/**
 * Tiller's image is `gcr.io/kubernetes-helm/tiller` or `ghcr.io/helm/tiller` (any registry or
 * mirror: the last path segment decides). The Dashboard's images are `kubernetesui/dashboard`
 * (and, from v3, its `-api`, `-web` and `-auth` parts) and the older
 * `kubernetes-dashboard-<arch>`; the metrics scraper that ships with it holds no privileges.
 */
function componentOfImage(image: string): Component | undefined {
  const path = imageLocation(image).path.split('/');
  const last = path[path.length - 1]!;
  if (last === 'tiller') return 'tiller';
  if (/^dashboard(?:-(?:api|web|auth))?$/.test(last) && path[path.length - 2] === 'kubernetesui') return 'dashboard';
  if (/^kubernetes-dashboard(?:-(?:amd64|arm64|arm|ppc64le|s390x|386))?$/.test(last)) return 'dashboard';
  return undefined;
}

/** `tiller-deploy` is what `helm init` created; Dashboard releases are named after it, often with a prefix. */
function componentOfName(name: string | undefined): Component | undefined {
  if (!name) return undefined;
  if (name === 'tiller-deploy') return 'tiller';
  if (name === 'kubernetes-dashboard' || name.endsWith('-kubernetes-dashboard')) return 'dashboard';
  return undefined;
}

/** The labels `helm init` and the Dashboard's manifests and chart put on their objects. */
function componentOfLabels(labels: ReadonlyMap<string, string>): Component | undefined {
  if (labels.get('app') === 'helm' && labels.get('name') === 'tiller') return 'tiller';
  for (const key of ['k8s-app', 'app', 'app.kubernetes.io/name']) {
    if (labels.get(key) === 'kubernetes-dashboard') return 'dashboard';
  }
  return undefined;
}

function stringMap(r: Resource, node: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of r.view.pairs(node)) {
    const k = r.view.keyOf(p);
    const v = r.view.text(p.value);
    if (k !== undefined && v !== undefined) out.set(k, v);
  }
  return out;
}

/** Labels of the object, of its pod template, and (for a Service) its selector, each checked on its own. */
function labelSets(r: Resource): [string, Map<string, string>][] {
  const v = r.view;
  const sets: [string, Map<string, string>][] = [['its labels', stringMap(r, v.get(r.metadata, 'labels'))]];
  if (r.pod?.meta) sets.push(['its pod labels', stringMap(r, v.get(r.pod.meta, 'labels'))]);
  if (r.kind === 'Service') sets.push(['its selector', stringMap(r, v.at(r.root, ['spec', 'selector']))]);
  return sets;
}

export default defineRule({
  meta: {
    id: 'risky-components',
    title: 'Tiller or Kubernetes Dashboard deployed',
    category: 'images',
    severity: 'warning',
    target: 'object',
    description:
      'Some components are a known way into a cluster. Tiller, the server side of Helm v2, listens on a gRPC port without authentication by default and usually runs with cluster-admin rights, so anything that reaches it can install whatever it likes; Helm v2 has had no security fixes since 2020. The Kubernetes Dashboard is a web console that acts on the cluster with its own service account: deployed with broad rights or exposed outside the cluster, it has handed clusters to attackers. The rule looks at images (`tiller`, `kubernetesui/dashboard`, `kubernetes-dashboard-amd64`), at workload and Service names (`tiller-deploy`, `kubernetes-dashboard`) and at the labels these components are installed with.',
    remediation:
      'Remove Tiller and move to Helm 3, which needs no server component. Prefer `kubectl` or a console outside the cluster to the Dashboard; if you keep it, give it a read-only role, never cluster-admin, and reach it only through `kubectl port-forward` or an authenticating proxy.',
    messages: {
      tillerImage:
        'Container "{{name}}" runs Tiller, the Helm v2 server (image `{{image}}`): by default it accepts unauthenticated requests and installs anything with cluster-admin rights, and Helm v2 gets no security fixes. Remove it and use Helm 3.',
      dashboardImage:
        'Container "{{name}}" runs the Kubernetes Dashboard (image `{{image}}`), a web console that acts on the cluster with its service account\'s rights and a frequent way in when exposed. Remove it, or keep it internal with a read-only role.',
      tillerObject:
        '{{kind}} "{{object}}" belongs to Tiller, the Helm v2 server (going by {{why}}): by default Tiller accepts unauthenticated requests and installs anything with cluster-admin rights, and Helm v2 gets no security fixes. Remove it and use Helm 3.',
      dashboardObject:
        '{{kind}} "{{object}}" belongs to the Kubernetes Dashboard (going by {{why}}), a web console that acts on the cluster with its service account\'s rights and a frequent way in when exposed. Remove it, or keep it internal with a read-only role.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const isService = r.kind === 'Service' && r.group === '';
    if (!r.pod && !isService) return;
    let byImage = false;
    forEachContainer(ctx, (c, _pod, res) => {
      const p = res.view.pair(c.node, 'image');
      const image = res.view.text(p?.value)?.trim();
      if (!image || isTemplated(image)) return;
      const component = componentOfImage(image);
      if (!component) return;
      byImage = true;
      ctx.report({
        at: p,
        part: 'value',
        messageId: component === 'tiller' ? 'tillerImage' : 'dashboardImage',
        data: { name: c.name, image },
      });
    });
    if (byImage) return;
    let component = componentOfName(r.name);
    let why = 'its name';
    for (const [where, labels] of component ? [] : labelSets(r)) {
      component = componentOfLabels(labels);
      why = where;
      if (component) break;
    }
    if (!component) return;
    ctx.report({
      at: r.anchor,
      messageId: component === 'tiller' ? 'tillerObject' : 'dashboardObject',
      data: { kind: r.kind, object: r.name ?? '?', why },
    });
  },
});
