// Deterministic benchmark corpora: realistic microservice manifests, about 60 lines each,
// mostly hardened, with the occasional problem a real repository has.

/** A small seeded PRNG (mulberry32), so every run lints the same text. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = ['payments', 'catalog', 'checkout', 'identity', 'search', 'orders', 'ledger', 'notify'];
const ROLES = ['api', 'worker', 'gateway', 'indexer', 'sync', 'scheduler'];

function deployment(i: number, r: () => number): string {
  const team = TEAMS[i % TEAMS.length]!;
  const name = `${team}-${ROLES[Math.floor(r() * ROLES.length)]}-${i}`;
  const kind = r() < 0.8 ? 'Deployment' : 'StatefulSet';
  const sloppy = r() < 0.15; // one in seven services has a problem or two
  const tag = sloppy && r() < 0.5 ? 'latest' : `1.${Math.floor(r() * 40)}.${Math.floor(r() * 10)}`;
  const port = 8000 + Math.floor(r() * 1000);
  return `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${team}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: ${team}
  annotations:
    deploy.example.com/owner: team-${team}
spec:
  replicas: ${2 + Math.floor(r() * 4)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
        app.kubernetes.io/part-of: ${team}
    spec:
      serviceAccountName: ${name}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: ${10000 + i}
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: ${name.split('-')[1]}
          image: registry.example.com/${team}/${name}:${tag}
          ports:
            - name: http
              containerPort: ${port}
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_PASSWORD
              ${sloppy && r() < 0.3 ? 'value: hunter2-prod' : 'valueFrom: {secretKeyRef: {name: db, key: password}}'}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: ${sloppy ? 'false' : 'true'}
            capabilities:
              drop: [ALL]
          resources:
            requests: {cpu: ${100 + Math.floor(r() * 400)}m, memory: ${128 * (1 + Math.floor(r() * 4))}Mi}
            limits: {cpu: "1", memory: ${256 * (1 + Math.floor(r() * 4))}Mi}
          readinessProbe:
            httpGet: {path: /ready, port: http}
            periodSeconds: 5
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            initialDelaySeconds: ${sloppy ? 60 : 10}
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
      volumes:
        - name: tmp
          emptyDir: {}
`;
}

function service(i: number, r: () => number): string {
  const team = TEAMS[i % TEAMS.length]!;
  const name = `${team}-svc-${i}`;
  const lines = [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${team}`,
    '  labels:',
    `    app.kubernetes.io/name: ${name}`,
    `    app.kubernetes.io/part-of: ${team}`,
    '  annotations:',
  ];
  // Real Services carry a lot of annotations (monitoring, mesh, cloud LB settings).
  for (let k = 0; lines.length < 44; k++) lines.push(`    example.com/setting-${k}: "${Math.floor(r() * 1e6)}"`);
  lines.push(
    'spec:',
    `  type: ${r() < 0.05 ? 'NodePort' : 'ClusterIP'}`,
    '  selector:',
    `    app.kubernetes.io/name: ${name}`,
    '  ports:',
    '    - name: http',
    '      port: 80',
    '      targetPort: http',
    '    - name: metrics',
    '      port: 9090',
    '      targetPort: 9090',
    '  sessionAffinity: None',
    '',
  );
  return lines.join('\n');
}

/** `count` documents separated by `---`. */
export function generateCorpus(count: number, seed = 42): string {
  const r = rng(seed);
  const docs: string[] = [];
  for (let i = 0; i < count; i++) docs.push(i % 3 === 2 ? service(i, r) : deployment(i, r));
  return docs.join('---\n');
}
